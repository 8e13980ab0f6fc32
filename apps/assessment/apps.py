from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "apps.assessment"
    label = "assessment"
    verbose_name = "评估引擎"

    def ready(self) -> None:
        from apps.core.demo import register_seeder

        from .demo import delete_demo_assessment, seed_assessment

        register_seeder(seed_assessment, reset=delete_demo_assessment)
