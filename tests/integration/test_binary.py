"""How the daemon's binary is linked."""
import subprocess

from conftest import NINETD


def test_the_daemon_is_linked_with_every_symbol_bound_at_start():
    """-z now: no lazy binding left for a launched child (which shares the daemon's memory)
    to trigger; -z relro: the relocated data read-only once bound."""
    dynamic = subprocess.run(["readelf", "-d", NINETD], capture_output=True, text=True,
                             check=True).stdout
    assert "BIND_NOW" in dynamic, dynamic
    segments = subprocess.run(["readelf", "-lW", NINETD], capture_output=True, text=True,
                              check=True).stdout
    assert "GNU_RELRO" in segments, segments
