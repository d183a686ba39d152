import subprocess
import sys


def test_the_engine_imports_neither_django_nor_any_app():
    code = (
        "import sys; import shouwang.engines.scoring, shouwang.engines.scoring.rules, "
        "shouwang.engines.scoring.spark_records, shouwang.engines.scoring.generate; "
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')], "
        "'django'; "
        "assert not [m for m in sys.modules if m.startswith('shouwang.') and "
        "not m.startswith('shouwang.engines')], 'app'"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter, a constant program)
        [sys.executable, "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
