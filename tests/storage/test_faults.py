"""The database on a full disk, a disk gone read-only, a file deleted or overwritten under
the running bot: a typed fault, told to the observer once, and back to work when it can be.

Real file systems (tests/disks.py): a tmpfs that is really full, an ext4 the kernel really
remounts read-only after an injected error.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from bot.storage import NewQuestion, Store
from bot.storage.errors import StorageUnavailable
from tests.disks import failing_ext4, fill, small_tmpfs
from tests.storage.support import at


class Observer:
    def __init__(self) -> None:
        self.failures: list[StorageUnavailable] = []
        self.recoveries = 0

    def storage_failed(self, error: StorageUnavailable) -> None:
        self.failures.append(error)

    def storage_recovered(self) -> None:
        self.recoveries += 1


def question(text: str, minute: int = 0) -> NewQuestion:
    return NewQuestion(
        user_id=1001,
        chat_id=1001,
        message_id=minute + 1,
        text=text,
        normalized=text.lower(),
        decision="none",
        now=at(minute),
    )


async def open_watched(path: Path) -> tuple[Store, Observer]:
    store = await Store.open(path)
    observer = Observer()
    store.observer = observer
    return store, observer


async def test_a_full_disk_is_a_transient_fault_and_writes_resume_when_space_returns(
    tmp_path: Path,
):
    with small_tmpfs(tmp_path / "disk") as disk:
        store, observer = await open_watched(disk / "bot.sqlite3")
        try:
            [first] = await store.record_questions([question("is there parking")])
            filler = fill(disk)
            for minute in (1, 2):
                with pytest.raises(StorageUnavailable) as raised:
                    await store.record_questions([question("where is hall b", minute)])
                assert raised.value.problem == "full" and raised.value.transient
            assert [f.problem for f in observer.failures] == ["full", "full"]
            assert observer.recoveries == 0
            # Reads go on working: the organisers' queue can still be read.
            assert (await store.get_question(first)) is not None

            filler.release()
            [later] = await store.record_questions([question("where is hall b", 3)])
            assert observer.recoveries == 1
            stored = await store.get_question(later)
            assert stored is not None and stored.text == "where is hall b"
            await store.record_questions([question("and lunch?", 4)])
            assert observer.recoveries == 1  # told once, not per write
        finally:
            await store.close()


async def test_a_disk_remounted_read_only_after_an_error_refuses_writes_as_unwritable(
    tmp_path: Path,
):
    with failing_ext4(tmp_path / "ext4", tmp_path / "disk.img") as disk:
        store, observer = await open_watched(disk.path / "bot.sqlite3")
        try:
            [first] = await store.record_questions([question("is there parking")])
            disk.fail()
            with pytest.raises(StorageUnavailable) as raised:
                await store.record_questions([question("where is hall b", 1)])
            assert raised.value.problem == "unwritable" and not raised.value.transient
            assert observer.failures and observer.failures[0].problem == "unwritable"
            assert (await store.get_question(first)) is not None
        finally:
            await store.close()


async def test_a_deleted_file_is_noticed_before_a_write_and_its_content_is_rescued(
    tmp_path: Path,
):
    path = tmp_path / "bot.sqlite3"
    store, observer = await open_watched(path)
    try:
        [first] = await store.record_questions([question("is there parking")])
        path.unlink()
        with pytest.raises(StorageUnavailable) as raised:
            await store.record_questions([question("where is hall b", 1)])
        fault = raised.value
        assert fault.problem == "gone" and not fault.transient
        assert "deleted" in fault.detail
        [rescued] = tmp_path.glob("bot.sqlite3.rescued-*")
        assert str(rescued) in fault.detail
        copy = sqlite3.connect(rescued)
        try:
            assert copy.execute("SELECT id, text FROM questions").fetchall() == [
                (first, "is there parking")
            ]
        finally:
            copy.close()
        # Kept until a restart, without a second copy; nothing is written meanwhile.
        with pytest.raises(StorageUnavailable):
            await store.set_subscribed(1001, True, at(2))
        assert len(list(tmp_path.glob("bot.sqlite3.rescued-*"))) == 1
        assert {f.problem for f in observer.failures} == {"gone"}
    finally:
        await store.close()


async def test_a_file_replaced_under_the_bot_is_not_written_to(tmp_path: Path):
    path = tmp_path / "bot.sqlite3"
    store, _ = await open_watched(path)
    try:
        await store.record_questions([question("is there parking")])
        other = tmp_path / "other.sqlite3"
        sqlite3.connect(other).close()
        other.replace(path)
        with pytest.raises(StorageUnavailable) as raised:
            await store.record_questions([question("where is hall b", 1)])
        assert raised.value.problem == "gone" and "replaced" in raised.value.detail
    finally:
        await store.close()


async def test_a_file_overwritten_under_the_bot_is_damaged_at_the_next_write_or_check(
    tmp_path: Path,
):
    path = tmp_path / "bot.sqlite3"
    store, observer = await open_watched(path)
    try:
        await store.record_questions([question("is there parking")])
        await store.check_file()  # healthy: nothing to say
        with open(path, "r+b") as file:
            file.write(os.urandom(4096))
        with pytest.raises(StorageUnavailable) as raised:
            await store.check_file()
        assert raised.value.problem == "damaged"
        with pytest.raises(StorageUnavailable):
            await store.record_questions([question("where is hall b", 1)])
        assert {f.problem for f in observer.failures} == {"damaged"}
    finally:
        await store.close()
    # A file damaged at the next start is a typed fault too (the bot exits, see app.run).
    # (Closing checkpointed the cached pages back, so it is damaged again here.)
    with open(path, "r+b") as file:
        file.write(os.urandom(4096))
    with pytest.raises(StorageUnavailable) as raised:
        await Store.open(path)
    assert raised.value.problem == "damaged"


async def test_a_bug_in_sql_keeps_its_own_type(tmp_path: Path):
    store, observer = await open_watched(tmp_path / "bot.sqlite3")
    try:
        with pytest.raises(sqlite3.OperationalError):
            await store._select("SELECT nothing FROM nowhere")
        assert observer.failures == []
    finally:
        await store.close()
