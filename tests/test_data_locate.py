"""Every data set is found by one rule (``data.locate.find_dataset_dir``): the folder given or named
by ``TINYGRAD_EDU_DATA``, its subfolder for the data set, or the data set's folder beside it; a
one-file data set may be named by the file. Errors are one line naming the files and the folders
looked in."""

import pytest

from tinygrad_edu import data
from tinygrad_edu.data import DATA_ENV_VAR
from tinygrad_edu.data.course2 import find_course2_dir

# (finder, the folder of its data set, its files): every loader's lookup
FINDERS = {
    "cats": (data.find_data_dir, "catvnoncat", data.CAT_FILES),
    "course2": (find_course2_dir, "course2", ("data.mat",)),
    "dinos": (
        lambda d=None: data.find_data_file("dinos.txt", "dinos", d, op="load_dinos").parent,
        "dinos",
        ("dinos.txt",),
    ),
}


@pytest.fixture
def datasets(tmp_path):
    """A parent folder holding one folder per data set, with (empty) files."""
    for _, folder, files in FINDERS.values():
        (tmp_path / folder).mkdir()
        for name in files:
            (tmp_path / folder / name).write_bytes(b"")
    return tmp_path


@pytest.mark.parametrize("setting", ["", "catvnoncat", "course2", "dinos"])
@pytest.mark.parametrize("kind", list(FINDERS))
def test_every_data_set_is_found_from_the_parent_or_any_data_sets_folder(
    datasets, setting, kind, monkeypatch
):
    find, folder, _ = FINDERS[kind]
    monkeypatch.setenv(DATA_ENV_VAR, str(datasets / setting))
    assert find() == datasets / folder  # TINYGRAD_EDU_DATA
    monkeypatch.setenv(DATA_ENV_VAR, "/no/such/folder")
    assert find(datasets / setting) == datasets / folder  # an explicit folder wins


def test_the_files_in_the_folder_itself_come_first(datasets, tmp_path_factory):
    flat = tmp_path_factory.mktemp("flat")
    for name in data.CAT_FILES:
        (flat / name).write_bytes(b"")
    (flat / "catvnoncat").mkdir()  # an empty subfolder does not hide the files
    assert data.find_data_dir(flat) == flat


def test_a_one_file_data_set_may_be_named_by_its_file(datasets):
    assert data.find_data_file("dinos.txt", "dinos", datasets / "dinos" / "dinos.txt") == (
        datasets / "dinos" / "dinos.txt"
    )
    assert find_course2_dir(datasets / "course2" / "data.mat") == datasets / "course2"
    with pytest.raises(FileNotFoundError, match="is a file, not a folder"):
        data.find_data_dir(datasets / "catvnoncat" / data.CAT_FILES[0])


@pytest.mark.parametrize("kind", list(FINDERS))
def test_errors_are_one_line_and_name_the_files_and_where_they_were_looked_for(
    kind, tmp_path, monkeypatch
):
    find, folder, files = FINDERS[kind]
    monkeypatch.delenv(DATA_ENV_VAR, raising=False)
    with pytest.raises(FileNotFoundError) as info:
        find()
    message = str(info.value)
    assert "\n" not in message and f"{DATA_ENV_VAR} is not set" in message
    assert all(name in message for name in files) and "--data DIR" in message

    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError) as info:
        find(tmp_path / "empty")
    message = str(info.value)
    assert "\n" not in message and all(name in message for name in files)
    # the three folders looked in: the one given, its subfolder, the data set's folder beside it
    assert f"got {tmp_path / 'empty'} (the data_dir argument), which lacks" in message
    assert f"neither {tmp_path / 'empty' / folder} nor {tmp_path / folder} holds" in message

    with pytest.raises(FileNotFoundError, match="which does not exist") as info:
        find(tmp_path / "missing")
    assert "\n" not in str(info.value)
