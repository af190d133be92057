"""Manifests: the built-in profiles, routing, checksums, and malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.manifest import ManifestError, load_manifest_file, load_profile, parse_manifest


@pytest.mark.parametrize("name", ["offline", "standard", "permissive"])
def test_builtin_profiles_parse(name: str) -> None:
    manifest = load_profile(name)
    assert manifest.name == name
    assert len(manifest.by_task("embeddings")) == 1
    for spec in manifest.models:
        assert spec.licence and spec.quality and spec.size
        assert spec.source["kind"] != "hub" or spec.revision, spec.id


def test_profiles_route_pairs_as_documented() -> None:
    permissive = load_profile("permissive")
    first = {
        pair: next(m.id for m in permissive.by_task("translation") if m.covers(*pair))
        for pair in [("en", "ru"), ("en", "zh"), ("en", "kk"), ("ru", "zh")]
    }
    assert first[("en", "ru")] == "Helsinki-NLP/opus-mt-en-ru"
    assert first[("en", "zh")] == "Helsinki-NLP/opus-mt-en-zh"
    assert first[("en", "kk")] == "facebook/m2m100_418M"
    assert first[("ru", "zh")] == "facebook/m2m100_418M"
    nllb = load_profile("standard").by_task("translation")[0]
    assert "non-commercial" in nllb.licence


def test_offline_manifest_records_the_gguf_checksum() -> None:
    llm = load_profile("offline").by_task("llm")[0]
    assert llm.source["size_bytes"] == 491_400_064
    assert llm.source["sha256"].startswith("1d9614638d18")
    assert len(llm.source["packages"]) == 6
    # the prompted LLM translates one sentence a prompt; the MT models pack sentences
    assert not load_profile("offline").by_task("translation")[0].pack_sentences
    assert all(s.pack_sentences for s in load_profile("standard").by_task("translation"))


def test_translate_fewshot_is_an_offline_option() -> None:
    (offline,) = load_profile("offline").by_task("translation")
    assert offline.translate_fewshot and set(offline.translate_fewshot) <= {"ru", "kk", "zh"}
    for name in ("standard", "permissive"):
        assert all(not s.translate_fewshot for s in load_profile(name).models)


_TRANSLATION_ROW = (
    '[profile]\nname="x"\n[[models]]\nid="e"\ntask="embeddings"\nfamily="f"\n'
    'languages=["en"]\nlicence="l"\nsource={kind="local", path="."}\n'
    '[[models]]\nid="t"\ntask="translation"\nfamily="llm"\nlanguages=["en", "ru"]\n'
    'licence="l"\nsource={kind="llm"}\n'
)


def test_translate_fewshot_parses_as_target_languages() -> None:
    manifest = parse_manifest(_TRANSLATION_ROW + 'translate_fewshot = ["ru"]\n', origin="t")
    assert manifest.by_task("translation")[0].translate_fewshot == ("ru",)
    scripts = parse_manifest(_TRANSLATION_ROW + 'translate_scripts = ["ru"]\n', origin="t")
    assert scripts.by_task("translation")[0].translate_scripts == ("ru",)
    assert (
        parse_manifest(_TRANSLATION_ROW, origin="t").by_task("translation")[0].translate_fewshot
        == ()
    )


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (_TRANSLATION_ROW + "translate_fewshot = true\n", "must be a list of language codes"),
        (_TRANSLATION_ROW + 'translate_fewshot = ["zh"]\n', "names \\['zh'\\], not served"),
        (_TRANSLATION_ROW + "translate_scripts = true\n", "translate_scripts must be a list"),
        (_TRANSLATION_ROW + 'translate_scripts = ["zh"]\n', "names \\['zh'\\], not served"),
        (
            _TRANSLATION_ROW.replace(
                'licence="l"\nsource={kind="local"',
                'licence="l"\ntranslate_fewshot=["en"]\nsource={kind="local"',
            ),
            "for translation models",
        ),
    ],
)
def test_translate_fewshot_rejects_bad_values(text: str, match: str) -> None:
    with pytest.raises(ManifestError, match=match):
        parse_manifest(text, origin="t")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("not toml [", "Malformed"),
        ('[profile]\nname="x"\n', "no embeddings"),
        ('[profile]\nname="x"\n[[models]]\nid="a"\ntask="dance"\n', "unknown task"),
        (
            '[profile]\nname="x"\n[[models]]\nid="a"\ntask="embeddings"\nfamily="f"\n'
            'languages=["fr"]\nlicence="l"\nsource={kind="local", path="."}\n',
            "unsupported languages",
        ),
        (
            '[profile]\nname="x"\n[[models]]\nid="a"\ntask="embeddings"\nfamily="f"\n'
            'languages=["en"]\nlicence="l"\npack_sentences="no"\nsource={kind="local", path="."}\n',
            "pack_sentences must be true or false",
        ),
        (
            '[profile]\nname="x"\n[[models]]\nid="a"\ntask="embeddings"\nfamily="f"\n'
            'languages=["en"]\nlicence="l"\nsource={kind="ftp"}\n',
            "unknown source kind",
        ),
    ],
)
def test_malformed_manifests_are_rejected(text: str, match: str) -> None:
    with pytest.raises(ManifestError, match=match):
        parse_manifest(text, origin="test")


def test_unknown_profile_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="Unknown profile"):
        load_profile("huge")
    with pytest.raises(ManifestError, match="Cannot read"):
        load_manifest_file(tmp_path / "missing.toml")


@pytest.mark.parametrize("name", ["offline", "offline-1.5b"])
def test_offline_translation_warns_about_kazakh(name: str) -> None:
    """Issue 10: on the offline profiles a Kazakh translation says plainly that the model
    rarely writes Kazakh (the note becomes a warning on every translation into kk)."""
    (spec,) = load_profile(name).by_task("translation")
    assert set(spec.target_notes) == {"kk"} and "Kazakh" in spec.target_notes["kk"]
    assert spec.translate_scripts == ("ru", "kk", "zh")
