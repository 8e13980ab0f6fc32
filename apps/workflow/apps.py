from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "apps.workflow"
    label = "workflow"
    verbose_name = "审核流程"

    def ready(self) -> None:
        from apps.core.todos import register

        from .todos import service_evaluation_todos, workflow_todos

        register(workflow_todos)
        register(service_evaluation_todos)
        from . import bindings

        bindings.bind_subjects()
        from apps.core.demo import register_seeder

        from .demo import reset_workflow, seed_workflow
        from .demo_national import seed_national

        register_seeder(seed_workflow, reset=reset_workflow)
        register_seeder(seed_national)  # its demo campaign goes with reset_workflow
        from apps.assessment.signals import evaluation_submitted

        from .services.evaluation import on_evaluation_submitted

        evaluation_submitted.connect(on_evaluation_submitted, dispatch_uid="workflow.service_evaluation")
