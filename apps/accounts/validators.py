from typing import Any

from django.core.exceptions import ValidationError


class NotUsernameValidator:
    """The password may not be the username, nor contain it (case-insensitive)."""

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        if username and username in password.lower():
            raise ValidationError("密码不能包含登录名。", code="password_contains_username")

    def get_help_text(self) -> str:
        return "密码不能包含登录名。"


class MinimumLengthValidator:
    """At least `min_length` characters. Django 5.2's message changed its msgid and lost its
    zh-hans translation, so the Chinese message is kept here."""

    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码太短，至少包含 {self.min_length} 个字符。",
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return f"密码至少包含 {self.min_length} 个字符。"
