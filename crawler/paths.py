"""Where the project's files live, so commands work from any directory."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def project_path(path: str | Path) -> Path:
    """Resolve a settings path: absolute as given, relative from the project root."""
    path = Path(path)
    return path if path.is_absolute() else PROJECT_ROOT / path
