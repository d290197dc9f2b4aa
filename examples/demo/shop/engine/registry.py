"""Background jobs that run without a logged-in user."""
from .user_engine import UserEngine

# FIXME: one engine shared by every background job, and by every request that
# reaches run_system_job() at the same time.
_shared_engine = UserEngine("system")


def run_system_job(name: str) -> dict:
    return _shared_engine.run(name)
