"""Django app config for learnkafka.lessons: registers the lessons' scenarios with the engine."""
from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "learnkafka.lessons"
    label = "lessons"

    def ready(self) -> None:
        # Lesson scenarios live with their lessons; the engine finds them by name
        # (`load_scenario("lesson-isr")`) once their folders are registered.
        from simulator.scenarios import register_scenario_dir

        from .content import lesson_scenario_dirs

        for folder in lesson_scenario_dirs():
            register_scenario_dir(folder)
        # The debugging lesson's labs and levels are staged by code (simulator/tools).
        from simulator.scenarios import register_scenario_provider
        from simulator.tools import debugging, levels

        register_scenario_provider(debugging.symptom_scenario_names, debugging.scenario_for_name)
        register_scenario_provider(list, levels.scenario_for_name)
