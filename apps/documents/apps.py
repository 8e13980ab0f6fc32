from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "apps.documents"
    label = "documents"
    verbose_name = "文书输出"

    def ready(self) -> None:
        from . import fonts

        fonts.activate()
