"""Every reason a photo is not taken, once: its code, its HTTP status and its words in both
languages. Pure: plain data and one exception; the web layer turns a refusal into a response
(app/views/photo_http.py), the rescue import into a line of its report.

A refusal answers either with the API's error shape (`{"error": {"code", "message"}}`, `api_code`)
or, where the phone shows it beside a field, as invalid data (`{"errors": {field: [message]}}`,
`field`, always 422). Owners (an inspection, a problem, …) add their own entries here, so a
new owner finds the codes already taken and the shape each answers with.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    status: int
    zh: str
    en: str
    api_code: str | None = None  # answered as {"error": {"code": api_code, "message"}}
    field: str | None = None  # answered as {"errors": {field: [message]}}
    retry_after: int | None = None  # seconds: the phone keeps the photo and sends it again

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


REFUSALS = {
    # Any owner: the upload itself.
    "missing": Refusal(422, "请附上照片文件", "Attach the photo file", field="photo"),
    "too_large": Refusal(413, "照片文件过大", "The photo file is too large", api_code="too_large"),
    "not_image": Refusal(
        415,
        "只接受 JPEG、PNG 或 WebP 照片",
        "Only JPEG, PNG or WebP photos",
        api_code="unsupported_media_type",
    ),
    "broken": Refusal(
        422,
        "照片已损坏或过大，无法读取",
        "The photo is damaged or too large to read",
        field="photo",
    ),
    "conflict": Refusal(
        409, "此照片编号已用于另一张照片", "This photo ID was used for another photo", "conflict"
    ),
    "busy": Refusal(
        503,
        "服务器正忙于处理其他照片，请稍后重试",
        "The server is busy with other photos; try again shortly",
        api_code="busy",
        retry_after=5,
    ),
    # An inspection's photos.
    "section": Refusal(422, "没有这个部分", "No such section", field="section"),
    "too_many": Refusal(
        422, "此检查的照片已达上限", "This inspection has the most photos allowed", field="photo"
    ),
    "inspection_closed": Refusal(
        409,
        "此检查已审核通过，不能再添加照片",
        "This inspection is approved; no more photos can be added",
        api_code="inspection_closed",
    ),
    # 404 as the deleted inspection itself answers: its photos go with it.
    "inspection_deleted": Refusal(404, "未找到", "Not found", api_code="not_found"),
    # A problem's photos.
    "stage_role": Refusal(
        403,
        "您的角色不能添加这一阶段的照片",
        "Your role does not add photos of this stage",
        api_code="forbidden",
    ),
    "problem_closed": Refusal(409, "此问题已销号", "This problem is closed", api_code="status"),
    "problem_too_many": Refusal(
        422, "此问题的照片已达上限", "This problem has the most photos allowed", field="photo"
    ),
}


class PhotoRefused(Exception):
    """A photo not taken; `code` names its entry in REFUSALS, `detail` says more for the logs."""

    def __init__(self, code: str, detail: str = ""):
        if code not in REFUSALS:
            raise KeyError(f"no photo refusal {code!r}")
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code

    @property
    def refusal(self) -> Refusal:
        return REFUSALS[self.code]
