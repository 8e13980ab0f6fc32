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
