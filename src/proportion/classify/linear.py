"""The shipped classifier: linear heads over the features, stored as a checksummed numpy archive.

The archive holds plain arrays only and is read with ``allow_pickle=False``, so loading a model never runs code;
its SHA-256 must match the manifest beside it, so a damaged or swapped file is refused.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from proportion.classify.features import Analysed, Vocabulary
from proportion.knowledge import signals

Array = npt.NDArray[np.float32]

WITHOUT_SIGNAL = 0.6
"""A label none of whose lexical signals fired is given only from this probability up: without wording that carries
the label's legal meaning, the statistical model alone must be confident (in a development sweep this gate added
about 0.02 macro-F1 leaving each publisher out; `proportion eval` measures the model with it)."""


class ModelError(RuntimeError):
    """The model files are missing, damaged or do not match their manifest."""


@dataclass
class LinearHead:
    """One-vs-rest logistic regression over a vocabulary, with Platt calibration and per-label thresholds."""

    labels: list[str]
    vocabulary: Vocabulary
    weights: Array  # (features, labels)
    bias: Array  # (labels,)
    calibration: Array  # (labels, 2): probability = sigmoid(a * margin + b)
    thresholds: Array  # (labels,): a label is given when its probability reaches this

    def margins(self, rows: list[tuple[npt.NDArray[np.int32], Array]]) -> Array:
        out = np.empty((len(rows), len(self.labels)), np.float32)
        for index, (columns, values) in enumerate(rows):
            out[index] = values @ self.weights[columns] + self.bias
        return out

    def probabilities(self, rows: list[tuple[npt.NDArray[np.int32], Array]]) -> Array:
        margins = self.margins(rows)
        scaled = margins * self.calibration[:, 0] + self.calibration[:, 1]
        probabilities: Array = (1.0 / (1.0 + np.exp(-np.clip(scaled, -30, 30)))).astype(np.float32)
        return probabilities

    def rows(self, analysed: Analysed) -> list[tuple[npt.NDArray[np.int32], Array]]:
        return [self.vocabulary.vector(bag, fired) for bag, fired in zip(analysed.bags, analysed.fired, strict=True)]

    def decide(self, probabilities: Array, fired: list[list[str]]) -> npt.NDArray[np.bool_]:
        """Labels given: probability at the label's threshold, and either one of the label's signals fired or the
        probability reaches :data:`WITHOUT_SIGNAL` (a label no signal speaks for is never held back)."""
        columns_of = self.signal_label_columns
        evidence = np.zeros(probabilities.shape, np.bool_)
        for row, signal_ids in enumerate(fired):
            for signal in signal_ids:
                evidence[row, columns_of.get(signal, ())] = True
        unsupported = np.ones(len(self.labels), np.bool_)
        unsupported[[column for columns in columns_of.values() for column in columns]] = False
        confident = probabilities >= np.maximum(self.thresholds, WITHOUT_SIGNAL)
        given: npt.NDArray[np.bool_] = (probabilities >= self.thresholds) & (evidence | unsupported | confident)
        return given

    @cached_property
    def signal_label_columns(self) -> dict[str, list[int]]:
        """Signal id -> columns of this head's labels that the signal is evidence for."""
        return {
            signal.id: [self.labels.index(label) for label in signal.labels if label in self.labels]
            for signal in signals()
        }

    def predict(self, analysed: Analysed) -> tuple[Array, npt.NDArray[np.bool_]]:
        """Calibrated probabilities and the labels given, one row per clause."""
        probabilities = self.probabilities(self.rows(analysed))
        return probabilities, self.decide(probabilities, analysed.fired)

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[Any]]:
        vocabulary = self.vocabulary
        return {
            f"{prefix}.labels": np.array(self.labels, dtype=str),
            f"{prefix}.terms": np.array(list(vocabulary.terms), dtype=str),
            f"{prefix}.idf": vocabulary.idf,
            f"{prefix}.signals": np.array(vocabulary.signals, dtype=str),
            f"{prefix}.weights": self.weights.astype(np.float16),
            f"{prefix}.bias": self.bias,
            f"{prefix}.calibration": self.calibration,
            f"{prefix}.thresholds": self.thresholds,
        }

    @classmethod
    def from_arrays(cls, archive: Any, prefix: str) -> LinearHead:
        term_list = [str(term) for term in archive[f"{prefix}.terms"]]
        return cls(
            labels=[str(label) for label in archive[f"{prefix}.labels"]],
            vocabulary=Vocabulary(
                {term: column for column, term in enumerate(term_list)},
                archive[f"{prefix}.idf"].astype(np.float32),
                [str(signal) for signal in archive[f"{prefix}.signals"]],
            ),
            weights=archive[f"{prefix}.weights"].astype(np.float32),
            bias=archive[f"{prefix}.bias"].astype(np.float32),
            calibration=archive[f"{prefix}.calibration"].astype(np.float32),
            thresholds=archive[f"{prefix}.thresholds"].astype(np.float32),
        )


def save_heads(heads: dict[str, LinearHead], archive: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Write the heads and a manifest carrying the archive's SHA-256; returns the manifest as written."""
    arrays: dict[str, npt.NDArray[Any]] = {}
    for name, head in heads.items():
        arrays.update(head.arrays(name))
    data = _archive(arrays)
    digest = hashlib.sha256(data).hexdigest()
    archive.write_bytes(data)
    manifest = {**manifest, "archive": archive.name, "sha256": digest, "heads": sorted(heads)}
    archive.with_suffix(".json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def _archive(arrays: dict[str, npt.NDArray[Any]]) -> bytes:
    """An ``.npz`` archive with fixed member dates, so the same arrays always give the same bytes (and checksum)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(member, "w") as stream:
                np.lib.format.write_array(stream, np.ascontiguousarray(arrays[name]), allow_pickle=False)
    return buffer.getvalue()


def load_heads(archive: Path) -> tuple[dict[str, LinearHead], dict[str, Any]]:
    """Read heads after checking the archive against its manifest."""
    manifest_path = archive.with_suffix(".json")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        data = archive.read_bytes()
    except (OSError, ValueError) as error:
        raise ModelError(f"model {archive.name} cannot be read ({error}); reinstall proportion") from error
    if hashlib.sha256(data).hexdigest() != manifest.get("sha256"):
        raise ModelError(f"model {archive.name} does not match its manifest checksum; reinstall proportion")
    with np.load(io.BytesIO(data), allow_pickle=False) as loaded:
        heads = {name: LinearHead.from_arrays(loaded, name) for name in manifest["heads"]}
    return heads, manifest
