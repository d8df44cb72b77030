"""The quizzes app: question banks as YAML, graded at once, progress kept per learner.

Where things are:
- `content/<bank>.yaml`: the questions (one bank per lesson), loaded by `banks.py`.
- `questiontypes/`: one module per question type (parse, present, grade).
- `scenarios/`: questions whose answer comes from running the simulator.
- `models.py`, `services.py` (writes), `selectors.py` (reads), `views.py`.
- `templates/quizzes/`, `static/js/quizzes/quiz.js`, `static/css/quizzes.css`.

To put one question inside another page (a lesson checkpoint)::

    {% component "quiz_question" bank="kafka-basics" question_id="acks-default" / %}

(see `learnkafka/components/quiz_question/quiz_question.py`).
"""
