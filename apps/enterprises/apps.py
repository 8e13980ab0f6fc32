from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "apps.enterprises"
    label = "enterprises"
    verbose_name = "企业库"

    def ready(self) -> None:
        from apps.core.demo import register_seeder

        from .demo import reset_enterprises, seed_enterprises

        # Demo clusters get enterprise lists for 2022–2024, so the demo shows computed totals.
        register_seeder(seed_enterprises, reset=reset_enterprises)
