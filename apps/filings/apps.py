from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "apps.filings"
    label = "filings"
    verbose_name = "表单填报"

    def ready(self) -> None:
        from . import dossier

        # The latest submitted filing of a cluster is the assessment engine's dossier (评估资料).
        dossier.register()
