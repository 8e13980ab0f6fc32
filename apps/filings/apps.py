from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "apps.filings"
    label = "filings"
    verbose_name = "表单填报"
