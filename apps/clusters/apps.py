from django.apps import AppConfig


class ClustersConfig(AppConfig):
    name = "apps.clusters"
    label = "clusters"
    verbose_name = "集群名录"

    def ready(self) -> None:
        from apps.core import todos

        from .todos import major_changes_to_confirm, recognitions_expiring

        todos.register(major_changes_to_confirm)
        todos.register(recognitions_expiring)
