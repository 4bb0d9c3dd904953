"""UpdateSlots: a bounded number of updates work at once; one waiting to send (or for its
batch) lends its slot out and gets one back before updates not yet started.

Checked by the order of events, never by time.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.batching import Batcher
from bot.update_slots import UpdateSlots


async def settle() -> None:
    """Let every ready task run until it blocks."""
    for _ in range(20):
        await asyncio.sleep(0)


async def test_at_most_size_updates_work_at_once():
    slots = UpdateSlots(2)
    started: list[int] = []
    release = asyncio.Event()

    async def work(n: int) -> int:
        started.append(n)
        await release.wait()
        return n

    tasks = [asyncio.create_task(slots.hold(work(n))) for n in range(5)]
    await settle()
    assert started == [0, 1] and slots.working == 2 and slots.waiting == 3
    release.set()
    assert await asyncio.gather(*tasks) == [0, 1, 2, 3, 4]
    assert started == [0, 1, 2, 3, 4] and slots.working == 0 and slots.waiting == 0


async def test_a_lent_slot_serves_the_next_update_and_comes_back_first():
    slots = UpdateSlots(1)
    events: list[str] = []
    sent = asyncio.Event()
    finish_b = asyncio.Event()

    async def sender() -> None:
        events.append("A works")
        async with slots.lent():
            events.append("A waits to send")
            await sent.wait()
        events.append("A works again")

    async def other(name: str, until: asyncio.Event | None = None) -> None:
        events.append(f"{name} works")
        if until is not None:
            await until.wait()
        events.append(f"{name} done")

    a = asyncio.create_task(slots.hold(sender()))
    await settle()
    b = asyncio.create_task(slots.hold(other("B", finish_b)))
    await settle()
    assert events == ["A works", "A waits to send", "B works"]  # B took A's slot
    c = asyncio.create_task(slots.hold(other("C")))
    sent.set()  # A may go on, but B holds the one slot
    await settle()
    assert events[-1] == "B works" and slots.waiting == 2
    finish_b.set()
    await asyncio.gather(a, b, c)
    # A, returning, got the slot before C, which had not started.
    assert events[3:] == ["B done", "A works again", "C works", "C done"]
    assert slots.lends == 1 and slots.working == 0


async def test_lending_outside_an_update_or_from_a_task_it_started_does_nothing():
    slots = UpdateSlots(1)
    async with slots.lent():  # no update at all (a broadcast, a timer)
        pass
    inner_done = asyncio.Event()
    others: list[str] = []

    async def handler() -> None:
        async def background() -> None:  # inherits the context, holds no slot
            async with slots.lent():
                inner_done.set()

        await asyncio.create_task(background())

    async def other() -> None:
        others.append("ran")

    first = asyncio.create_task(slots.hold(handler()))
    await settle()
    second = asyncio.create_task(slots.hold(other()))
    await first
    assert inner_done.is_set() and slots.lends == 0
    await second
    assert others == ["ran"] and slots.working == 0


async def test_a_cancelled_waiter_does_not_keep_a_slot():
    slots = UpdateSlots(1)
    release = asyncio.Event()

    async def long() -> None:
        await release.wait()

    async def short() -> str:
        return "done"

    holder = asyncio.create_task(slots.hold(long()))
    await settle()
    waiter = asyncio.create_task(slots.hold(short()))
    await settle()
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    release.set()
    await holder
    assert await slots.hold(short()) == "done" and slots.working == 0


def test_at_least_one_slot():
    with pytest.raises(ValueError):
        UpdateSlots(0)


async def test_handlers_waiting_for_a_batch_lend_their_slots_so_the_batch_grows():
    """With 2 slots and 10 votes, every vote still joins one of at most two batches:
    waiting for the commit is not work."""
    slots = UpdateSlots(2)
    written: list[list[int]] = []
    gate = asyncio.Event()

    async def write(items: list[int]) -> list[int]:
        await gate.wait()  # the database is busy with the first batch
        written.append(items)
        return [item * 10 for item in items]

    batcher: Batcher[int, int] = Batcher(write, "test item(s)", while_waiting=slots.lent)
    tasks = [asyncio.create_task(slots.hold(batcher.submit(n))) for n in range(10)]
    await settle()
    assert slots.lends == 10  # all ten got a slot and lent it while waiting
    gate.set()
    assert await asyncio.gather(*tasks) == [n * 10 for n in range(10)]
    assert sorted(item for batch in written for item in batch) == list(range(10))
    assert len(written) <= 2 and batcher.batches == len(written)
