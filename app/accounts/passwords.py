"""Password rules (OWASP ASVS v4 §2.1): long rather than complicated.

At least 12 characters, at most 128, no composition rules; refused when it is a well-known
password, one character repeated, or contains the username. Hashing is werkzeug's default
(scrypt) in the User model.
"""

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


def password_problems(password: str, username: str = "") -> list[str]:
    """English problem keys; empty when the password is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append("too_short")
    if len(password) > MAX_LENGTH:
        problems.append("too_long")
    lowered = password.lower()
    if lowered in COMMON or len(set(password)) <= 2:
        problems.append("too_common")
    if username and len(username) >= 3 and username.lower() in lowered:
        problems.append("contains_username")
    return problems


MESSAGES = {
    "too_short": {"zh": f"密码至少 {MIN_LENGTH} 个字符", "en": f"At least {MIN_LENGTH} characters"},
    "too_long": {"zh": f"密码最多 {MAX_LENGTH} 个字符", "en": f"At most {MAX_LENGTH} characters"},
    "too_common": {"zh": "密码过于常见", "en": "This password is too common"},
    "contains_username": {
        "zh": "密码不能包含用户名",
        "en": "The password must not contain the username",
    },
}
