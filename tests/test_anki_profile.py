"""Finding the learner's collection: Anki's data folder on each system, profiles, --collection."""

from __future__ import annotations

from pathlib import Path

import pytest

from cheatdeck.anki_profile import CollectionNotFound, anki_data_dir, find_collection, profiles

HOME = Path("/home/ada")


@pytest.mark.parametrize(("platform", "environ", "expected"), [
    ("linux", {}, "/home/ada/.local/share/Anki2"),
    ("linux", {"XDG_DATA_HOME": "/data"}, "/data/Anki2"),
    ("freebsd14", {}, "/home/ada/.local/share/Anki2"),
    ("darwin", {"XDG_DATA_HOME": "/data"}, "/home/ada/Library/Application Support/Anki2"),
    ("win32", {"APPDATA": "C:/Users/ada/AppData/Roaming"}, "C:/Users/ada/AppData/Roaming/Anki2"),
    ("win32", {}, "/home/ada/AppData/Roaming/Anki2"),
    ("darwin", {"ANKI_BASE": "/portable/anki"}, "/portable/anki"),
    ("linux", {"ANKI_BASE": "", "XDG_DATA_HOME": "/data"}, "/data/Anki2"),
])
def test_anki_data_dir_is_where_anki_desktop_keeps_it(
        platform: str, environ: dict[str, str], expected: str) -> None:
    assert anki_data_dir(environ, platform, HOME).as_posix() == expected


def profile(base: Path, name: str) -> Path:
    (base / name).mkdir(parents=True)
    path = base / name / "collection.anki2"
    path.write_bytes(b"")
    return path


def find(base: Path, **kwargs: object) -> Path:
    return find_collection(environ={"ANKI_BASE": str(base)}, platform="linux", home=HOME,
                           **{"collection": None, "profile": None, **kwargs})  # type: ignore[arg-type]


def test_the_only_profile_is_chosen(tmp_path: Path) -> None:
    only = profile(tmp_path, "User 1")
    (tmp_path / "addons21").mkdir()  # Anki's other folders are not profiles
    (tmp_path / "logs").mkdir()
    assert profiles(tmp_path) == ["User 1"]
    assert find(tmp_path) == only


def test_several_profiles_need_a_name(tmp_path: Path) -> None:
    profile(tmp_path, "User 1")
    work = profile(tmp_path, "Work")
    with pytest.raises(CollectionNotFound) as error:
        find(tmp_path)
    assert str(error.value) == (f"{tmp_path.as_posix()}: several Anki profiles (User 1, Work); "
                                "choose one with --profile NAME")
    assert find(tmp_path, profile="Work") == work
    with pytest.raises(CollectionNotFound) as error:
        find(tmp_path, profile="work")
    assert str(error.value) == (f"{tmp_path.as_posix()}: no Anki profile 'work' "
                                "(profiles: User 1, Work)")


def test_no_profile_at_all(tmp_path: Path) -> None:
    with pytest.raises(CollectionNotFound) as error:
        find(tmp_path / "Anki2")
    assert str(error.value) == (f"{(tmp_path / 'Anki2').as_posix()}: no Anki profile found; "
                                "open Anki once, or name the file with --collection PATH")


def test_collection_option_takes_a_file_or_a_profile_folder(tmp_path: Path) -> None:
    path = profile(tmp_path / "elsewhere", "Mine")
    profile(tmp_path / "base", "User 1")
    assert find(tmp_path / "base", collection=path) == path
    assert find(tmp_path / "base", collection=path.parent) == path
    with pytest.raises(CollectionNotFound) as error:
        find(tmp_path / "base", collection=tmp_path / "nope.anki2")
    assert str(error.value) == f"{(tmp_path / 'nope.anki2').as_posix()}: no Anki collection there"
