"""Password rules (OWASP ASVS v4 §2.1): long rather than complicated.

At least 12 characters, at most 128, no composition rules; refused when it is a well-known
password, one character repeated, or contains the username. Hashing is werkzeug's default
(scrypt) in the User model.

"Well known" is a real breach list shipped with the app (app/data/common_passwords.txt: the
10,000 most common passwords of a 10-million-password dump, source in the file), checked the way
people stretch a common password past 12 characters (ASVS 2.1.7): the password itself, a short
one repeated (`123456123456`), or a common one in leetspeak with digits or symbols added
(`Pa$$w0rd1234`, `dragon2024!!`).
"""

import re
from functools import cache
from pathlib import Path

BREACHED_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"
LEET = str.maketrans(
    {
        "@": "a",
        "4": "a",
        "$": "s",
        "5": "s",
        "0": "o",
        "1": "i",
        "3": "e",
        "7": "t",
        "!": "i",
        "8": "b",
        "9": "g",
    }
)
TRAILING = re.compile(r"[\d\W_]+$")
LEADING = re.compile(r"^[\d\W_]+")
REPEATED = re.compile(r"^(.{1,6}?)\1+$", re.DOTALL)

MIN_LENGTH = 12
MAX_LENGTH = 128
# The most common passwords of the public breach lists (and their Chinese favourites) that are
# long enough to pass the length rule.
COMMON = frozenset(
    {
        "123456789012",
        "1234567890123",
        "qwertyuiop123",
        "password1234",
        "passwordpassword",
        "iloveyou1234",
        "qwerty123456",
        "1q2w3e4r5t6y",
        "a1b2c3d4e5f6",
        "woaini1314520",
        "abcdefghijkl",
        "111111111111",
        "000000000000",
        "123123123123",
        "5201314520131",
        "admin1234567",
        "administrator",
        "zxcvbnm12345",
        "asdfghjkl123",
        "qazwsxedcrfv",
    }
)
# Words anyone guessing at this deployment tries first (ASVS 2.1.x: context-specific words): its
# own name, its county, province and city, and the favourite Chinese phrases of the breach lists.
CONTEXT_WORDS = frozenset(
    {
        "cunjian",
        "hunyuan",
        "shanxi",
        "datong",
        "hengshan",
        "woaini",
        "aini",
        "nihao",
        "zhongguo",
        "china",
        "admin",
        "password",
        "qwerty",
    }
)


def password_problems(password: str, username: str = "") -> list[str]:
    """English problem keys; empty when the password is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append("too_short")
    if len(password) > MAX_LENGTH:
        problems.append("too_long")
    if is_common(password):
        problems.append("too_common")
    if username and len(username) >= 3 and username.lower() in password.lower():
        problems.append("contains_username")
    return problems


@cache
def breached() -> frozenset[str]:
    lines = BREACHED_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#")) | COMMON


def is_common(password: str) -> bool:
    lowered = password.lower()
    if len(set(password)) <= 2 or REPEATED.match(lowered):
        return True
    known = breached()
    if lowered in known:
        return True
    core = TRAILING.sub("", lowered)  # "pa$$w0rd1234" → "pa$$w0rd"; all digits → ""
    if len(core) >= 4 and (core in known or core.translate(LEET) in known):
        return True
    # What is left between leading and trailing digits and symbols: "1234567890ab" → "ab",
    # "hunyuan12345" → "hunyuan", "woaini520520" → "woaini". Too little, or a context word.
    letters = LEADING.sub("", core)
    return len(letters) < 4 or letters in CONTEXT_WORDS or letters.translate(LEET) in CONTEXT_WORDS


MESSAGES = {
    "too_short": {"zh": f"密码至少 {MIN_LENGTH} 个字符", "en": f"At least {MIN_LENGTH} characters"},
    "too_long": {"zh": f"密码最多 {MAX_LENGTH} 个字符", "en": f"At most {MAX_LENGTH} characters"},
    "too_common": {"zh": "密码过于常见", "en": "This password is too common"},
    "contains_username": {
        "zh": "密码不能包含用户名",
        "en": "The password must not contain the username",
    },
}
