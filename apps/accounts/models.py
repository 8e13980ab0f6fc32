"""Failed login attempts, kept to enforce the lockout (登录失败锁定)."""

from django.db import models


class LoginFailure(models.Model):
    username = models.CharField("登录名", max_length=150, db_index=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True, db_index=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip} {self.at:%Y-%m-%d %H:%M}"
