import time


def wait_for(condition, timeout: float = 30.0) -> bool:
    """Poll until `condition()` is true (work done by the Celery worker's thread); no fixed sleeps."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
