"""Shared fixtures: the end-to-end bot harness lives in tests/harness.py."""

from tests.harness import fake, harness, sample_answerer, sample_content, store

__all__ = ["fake", "harness", "sample_answerer", "sample_content", "store"]
