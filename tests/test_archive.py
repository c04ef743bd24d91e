from crawler.archive import WarcIndex, WarcRecorder, iter_archived_pages


def test_recorded_responses_replay_byte_for_byte(tmp_path):
    path = tmp_path / "night.warc.gz"
    recorder = WarcRecorder(path)
    recorder.write("https://www.example.ac.uk/courses/x", 200, "OK",
                   [("Content-Type", "text/html; charset=utf-8")], b"<html>x</html>")
    recorder.write("https://www.example.ac.uk/old", 301, "Moved Permanently",
                   [("Location", "https://www.example.ac.uk/courses/x")], b"")
    recorder.close()

    index = WarcIndex([path])
    assert len(index) == 2
    status, headers, body, where = index.read("https://www.example.ac.uk/courses/x#section")
    assert (status, body) == (200, b"<html>x</html>")
    assert ("Content-Type", "text/html; charset=utf-8") in headers
    assert where.startswith("night.warc.gz#")
    assert index.read("https://www.example.ac.uk/old")[0] == 301
    assert index.read("https://www.example.ac.uk/never") is None
    assert [page[0] for page in iter_archived_pages([path])] == [
        "https://www.example.ac.uk/courses/x", "https://www.example.ac.uk/old"]


def test_a_later_archive_wins(tmp_path):
    for night, body in (("1", b"old"), ("2", b"new")):
        recorder = WarcRecorder(tmp_path / f"{night}.warc.gz")
        recorder.write("https://www.example.ac.uk/x", 200, "OK", [("Content-Type", "text/html")], body)
        recorder.close()
    index = WarcIndex([tmp_path / "1.warc.gz", tmp_path / "2.warc.gz"])
    assert index.read("https://www.example.ac.uk/x")[2] == b"new"
