"""The expression parser (expr.parse, expr.evaluate) and the ``graph`` subcommand."""

import argparse
import ast
import builtins
import re
import shutil

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_edu import expr

COURSE = {"a": 5, "b": 3, "c": 2}


def run_graph(argv, capsys):
    """Run ``tinygrad-edu graph ...`` through the subcommand's own parser."""
    parser = argparse.ArgumentParser(prog="tinygrad-edu")
    expr.add_parser(parser.add_subparsers())
    args = parser.parse_args(["graph", *argv])
    code = args.run(args)
    out, err = capsys.readouterr()
    return code, out, err


# -- evaluation -----------------------------------------------------------------------------------


def test_course_J_values_and_every_gradient():
    J, variables = expr.evaluate("3*(a + b*c)", COURSE)
    assert J.name == "J" and J.item() == 33.0
    assert list(variables) == ["a", "b", "c", "b * c", "a + b * c", "J"]
    values = {k: t.item() for k, t in variables.items()}
    grads = {k: t.grad.item() for k, t in variables.items()}
    assert values == {"a": 5, "b": 3, "c": 2, "b * c": 6, "a + b * c": 11, "J": 33}
    assert grads == {"a": 3, "b": 6, "c": 9, "b * c": 3, "a + b * c": 3, "J": 1}


def test_functions_match_numpy_and_their_derivatives():
    x = 0.7
    cases = {
        "exp(x)": (np.exp(x), np.exp(x)),
        "log(x)": (np.log(x), 1 / x),
        "sqrt(x)": (np.sqrt(x), 0.5 / np.sqrt(x)),
        "tanh(x)": (np.tanh(x), 1 - np.tanh(x) ** 2),
        "sigmoid(x)": (1 / (1 + np.exp(-x)), np.exp(-x) / (1 + np.exp(-x)) ** 2),
        "relu(x)": (x, 1.0),
        "abs(-x)": (x, 1.0),
        "x ** 3 / 2 - -x": (x**3 / 2 + x, 1.5 * x**2 + 1),
        "+x": (x, 1.0),
    }
    for text, (value, grad) in cases.items():
        J, variables = expr.evaluate(text, {"x": x})
        assert J.item() == pytest.approx(value), text
        assert variables["x"].grad.item() == pytest.approx(grad), text


def test_a_repeated_sub_expression_is_one_node_and_gradients_accumulate():
    J, variables = expr.evaluate("a*b + a*b", {"a": 2, "b": 5})
    assert J._parents[0] is J._parents[1]
    assert variables["a"].grad.item() == 10 and variables["b"].grad.item() == 4


def test_long_sub_expressions_are_named_t1_t2():
    text = "tanh(alpha) * sigmoid(beta) + relu(gamma) - 1"
    J, variables = expr.evaluate(text, {"alpha": 1, "beta": 2, "gamma": 3})
    assert "t1" in variables and all(len(name) <= expr.MAX_NAME for name in variables)


def test_the_root_can_be_renamed():
    J, variables = expr.evaluate("a * b", {"a": 1, "b": 2}, name="cost")
    assert J.name == "cost" and "cost" in variables


def test_nan_and_inf_are_results_not_crashes():
    J, variables = expr.evaluate("log(a) + 1/b", {"a": -1, "b": 0})
    assert np.isnan(J.item())
    assert np.isinf(variables["1 / b"].item())


# -- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, column, words",
    [
        ("a.__class__", 1, "attribute access"),
        ("a + b.__class__.__mro__", 5, "attribute access"),
        ("__import__('os').system('echo hi')", 1, "attribute access"),
        ("__import__('os')", 1, "unknown function '__import__'"),
        ("open('x')", 1, "unknown function 'open'"),
        ("eval('1')", 1, "unknown function 'eval'"),
        ("(lambda: 1)()", 1, "only these functions"),
        ("lambda: a", 1, "lambda"),
        ("a[0]", 1, "indexing"),
        ("[x for x in a]", 1, "comprehensions"),
        ("(x := 3)", 2, "assignment"),
        ("exp(x=a)", 1, "keyword"),
        ("exp(a, b)", 1, "exactly one argument"),
        ("a % b", 1, "operator %"),
        ("a @ b", 1, "operator @"),
        ("a < b", 1, "comparisons"),
        ("not a", 1, "unary minus"),
        ("'text'", 1, "not a number"),
        ("True + a", 1, "not a number"),
        ("1j * a", 1, "not a number"),
        ("a if b else c", 1, "if/else"),
        ("(a, b)", 1, "single number"),
        ("1.2.3", 4, "invalid syntax"),
        ("3x + a", 1, "to multiply, write 3*x"),
        ("08 + a", 1, "invalid syntax"),
        ("a +", 4, "invalid syntax"),
        ("   a +* b", 7, "invalid syntax"),
        ("1e999 * a", 1, "too large"),
        ("a + d", 5, "unknown variable 'd'"),
        ("2 * exp", 5, "exp is a function"),
        ("2 * 3", 1, "no variables"),
        ("", 0, "empty"),
        ("a +\nb", 4, "one line"),
    ],
)
def test_refusals_give_one_line_and_the_column(text, column, words):
    with pytest.raises(expr.ExpressionError) as info:
        expr.evaluate(text, COURSE)
    message = str(info.value)
    assert words in message
    assert info.value.column == column
    assert "\n" not in message
    assert isinstance(info.value, ValueError)


def test_very_long_input_is_refused_before_parsing(monkeypatch):
    calls = []
    monkeypatch.setattr(ast, "parse", lambda *a, **k: calls.append(a))
    with pytest.raises(expr.ExpressionError, match="at most 1000"):
        expr.evaluate("a+" * 600 + "a", {"a": 1})
    assert calls == []


def test_too_many_parts_are_refused():
    with pytest.raises(expr.ExpressionError, match="too complex"):
        expr.evaluate("-" * 900 + "a", {"a": 1})
    with pytest.raises(expr.ExpressionError):
        expr.evaluate("(" * 400 + "a" + ")" * 400, {"a": 1})


def test_a_non_number_value_is_refused():
    with pytest.raises(expr.ExpressionError, match="must be a number"):
        expr.evaluate("a * 2", {"a": "five"})


def _forbid_code_execution(monkeypatch):
    """eval/exec fail, and compile may only build syntax trees (ast.parse uses it that way)."""
    real_compile = builtins.compile

    def guarded_compile(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & ast.PyCF_ONLY_AST, "expr compiled text to code"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError("expr called eval or exec")

    monkeypatch.setattr(builtins, "compile", guarded_compile)
    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)


def test_the_parser_never_executes_code(monkeypatch, tmp_path):
    _forbid_code_execution(monkeypatch)
    marker = tmp_path / "pwned"
    attacks = [
        f"__import__('os').system('touch {marker}')",
        f"open('{marker}', 'w')",
        "().__class__.__bases__[0].__subclasses__()",
        f'exec(\'open("{marker}", "w")\')',
        "[c for c in ().__class__.__base__.__subclasses__()]",
    ]
    for text in attacks:
        with pytest.raises(expr.ExpressionError):
            expr.evaluate(text, COURSE)
    assert not marker.exists()
    J, _ = expr.evaluate("3*(a + b*c)", COURSE)  # and evaluation itself works under the guard
    assert J.item() == 33.0


@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes_and_never_executes_code(text):
    with pytest.MonkeyPatch.context() as monkeypatch:
        _forbid_code_execution(monkeypatch)
        try:
            J, variables = expr.evaluate(text, {"a": 0.5, "b": -2.0, "c": 3.0, "x": 1.0})
        except expr.ExpressionError as err:
            assert "\n" not in str(err)
        else:
            assert J.requires_grad and all(t.grad is not None for t in variables.values())


@given(
    st.lists(
        st.sampled_from(["a", "b", "2", "0.5", "+", "-", "*", "/", "**", "(", ")", "exp(",
                         "log(", "tanh(", " ", "1e400", "sigmoid(", "relu(", "abs(", "sqrt("]),
        max_size=30,
    ).map("".join)
)  # fmt: skip
def test_arithmetic_looking_text_never_crashes(text):
    try:
        J, variables = expr.evaluate(text, {"a": 0.5, "b": -2.0})
    except expr.ExpressionError:
        return
    assert set(variables) >= {J.name}


# -- the command line ----------------------------------------------------------------------------


def test_graph_command_prints_values_and_gradients(tmp_path, capsys):
    out_path = tmp_path / "J.dot"
    code, out, err = run_graph(
        ["3*(a + b*c)", "--set", "a=5", "b=3", "c=2", "-o", str(out_path)], capsys
    )
    assert code == 0, err
    table = [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()[2:-1]]
    rows = {row[0]: row[1:] for row in table}
    assert rows["a"] == ["5", "3"] and rows["b"] == ["3", "6"] and rows["c"] == ["2", "9"]
    assert rows["J"] == ["33", "1"]
    assert "a + b * c" in out and f"wrote {out_path}" in out
    assert "dv" not in out_path.read_text() and "J = 33" in out_path.read_text()


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz program 'dot' missing")
def test_graph_command_writes_an_svg(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_graph(["3*(a + b*c)", "--set", "a=5", "b=3", "c=2"], capsys)
    assert code == 0, err
    svg = (tmp_path / "J.svg").read_text()
    assert "<svg" in svg and "dc = 9" in svg


def test_graph_command_dot_to_stdout(capsys):
    code, out, err = run_graph(["x*x", "--set", "x=3", "-o", "-", "--backward-edges"], capsys)
    assert code == 0 and out.startswith("digraph") and "dashed" in out
    assert "x * x" in err  # the table goes to stderr, so stdout pipes into dot


def test_an_expression_starting_with_minus(capsys):
    code, out, err = run_graph(["-a * b", "--set", "a=2", "b=5", "-o", "-"], capsys)
    assert code == 0, err
    table = [re.split(r"\s{2,}", line.strip()) for line in err.splitlines()[2:]]
    assert ["a", "2", "-5"] in table


@pytest.mark.parametrize(
    "argv, words",
    [
        (["a.__class__", "--set", "a=1"], "column 1: attribute access"),
        (["open('x')", "--set", "a=1"], "unknown function 'open'"),
        (["a + q", "--set", "a=1"], "column 5: unknown variable 'q'"),
        (["a*b", "--set", "a=1", "b=x"], "--set b: expected a number"),
        (["a*b", "--set", "a=1", "b"], "expected NAME=VALUE"),
        (["a" * 1001, "--set", "a=1"], "at most 1000"),
    ],
)
def test_graph_command_errors_are_one_line_with_exit_code_2(argv, words, capsys):
    code, out, err = run_graph(argv, capsys)
    assert code == 2
    assert words in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_graph_command_without_dot_program_writes_dot_and_exits_1(tmp_path, capsys, monkeypatch):
    pytest.importorskip("graphviz")
    monkeypatch.setenv("PATH", "")
    code, out, err = run_graph(
        ["a*b", "--set", "a=1", "b=2", "-o", str(tmp_path / "J.svg")], capsys
    )
    assert code == 1 and "apt-get install graphviz" in err
    assert (tmp_path / "J.dot").exists()


# -- the command line's files, names and hints (issue 11) ------------------------------------------


def one_line_error(code, err, expected_code):
    assert code == expected_code, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize(
    "output, words",
    [
        ("somedir.svg", "somedir.svg is a folder"),
        ("somedir", "somedir is a folder; give a file name inside it, such as somedir/J.svg"),
        ("somedir --format png", "such as somedir/J.png"),
        ("newdir/", "newdir is a folder name; give a file name inside it"),  # wrote newdir.svg
        ("file.svg/x.svg", "file.svg is a file, not a folder"),
        ("x.txt", "cannot tell the picture format from the file name x.txt"),
        ("x.svg --format png", "does not match format 'png'"),
    ],
)
def test_bad_output_paths_are_one_line_usage_errors(output, words, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "somedir.svg").mkdir()
    (tmp_path / "somedir").mkdir()  # was silently drawn beside it, as somedir.svg
    (tmp_path / "file.svg").write_text("not a folder")
    code, out, err = run_graph(["a*b", "--set", "a=3", "b=2", "-o", *output.split()], capsys)
    one_line_error(code, err, 2)
    assert words in err
    assert out == ""  # refused before anything was computed or printed


def test_an_unwritable_output_is_a_one_line_runtime_error(capsys):
    code, out, err = run_graph(["a*b", "--set", "a=3", "b=2", "-o", "/proc/x.dot"], capsys)
    one_line_error(code, err, 1)
    assert "cannot write /proc/x.dot" in err


def test_a_full_disk_leaves_the_old_picture_and_no_temporary_file(tmp_path, capsys, monkeypatch):
    import errno

    from tinygrad_edu.viz import graph

    old = tmp_path / "J.dot"
    old.write_text("the previous picture")

    class FullDisk:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(graph, "open", FullDisk, raising=False)  # the module's open() only
    code, out, err = run_graph(["a*b", "--set", "a=3", "b=2", "-o", str(old)], capsys)
    one_line_error(code, err, 1)
    assert "No space left on device" in err
    assert old.read_text() == "the previous picture"
    assert [p.name for p in tmp_path.iterdir()] == ["J.dot"]


@pytest.mark.parametrize("name", ["\x0c", "\x1b[31mJ", "\ufffe", "", " J"])
def test_a_name_with_control_characters_is_refused(name, capsys):
    code, out, err = run_graph(["a*b", "--set", "a=3", "b=2", "--name", name, "-o", "-"], capsys)
    one_line_error(code, err, 2)
    assert "--name" in err and "\x1b" not in err and "\x0c" not in err


def test_the_result_cannot_take_an_inputs_name(capsys):
    code, out, err = run_graph(["a*b", "--set", "a=3", "b=2", "--name", "a", "-o", "-"], capsys)
    one_line_error(code, err, 2)
    assert "--name a: a is a variable of the expression" in err


def test_the_result_cannot_take_an_inputs_name_in_another_unicode_form(capsys):
    """Python reads the fullwidth ａ as the variable a (NFKC), as --set does: --name ａ gave a
    table where the result ａ and the input a looked alike."""
    code, out, err = run_graph(["a*b", "--set", "a=3", "b=2", "--name", "ａ", "-o", "-"], capsys)
    one_line_error(code, err, 2)
    assert "is a variable of the expression" in err
    with pytest.raises(expr.ExpressionError, match="also a variable"):
        expr.evaluate("a*b", {"a": 3, "b": 2}, name="a")


def test_a_variable_named_t1_does_not_collide_with_automatic_names(capsys):
    text = "t1 * (alpha + beta + gamma + delta) + t2 * (alpha - beta - gamma - delta)"
    J, variables = expr.evaluate(text, dict.fromkeys(["t1", "t2", "alpha", "beta", "gamma",
                                                      "delta"], 1.0))  # fmt: skip
    names = [t.name for t in variables.values()]
    assert len(names) == len(set(names))  # every node has its own name
    assert variables["t1"].grad.item() == 4.0 and variables["t1"].requires_grad
    code, out, err = run_graph([text, "--set", *(f"{k}=1" for k in ["t1", "t2", "alpha", "beta",
                                "gamma", "delta"]), "-o", "-"], capsys)  # fmt: skip
    rows = [re.split(r"\s{2,}", line.strip())[0] for line in err.splitlines()[2:]]
    assert rows.count("t1") == 1 and "t3" in rows and len(rows) == len(set(rows)) == len(names)


def test_unused_values_are_warned_about(capsys):
    code, out, err = run_graph(["a*b", "--set", "a=3", "b=2", "d=4", "-o", "-"], capsys)
    assert code == 0
    assert "warning: --set d=4: not used by the expression (its variables: a, b)" in err


@pytest.mark.parametrize(
    "text, hint",
    [
        ("3(a+b*c)", "multiplication needs *: write 3*(...), not 3(...)"),
        ("(a+b)(c+1)", "write (a + b)*(...)"),
        ("a(b+c)", "'a' is a variable, not a function; to multiply, write a*(...)"),
        ("2a", "two terms side by side; to multiply, write 2*a"),
        ("2 a", "write 2*a"),
        ("(a+b)c", "write (a+b)*c"),
        ("exp(a) b", "write exp(a)*b"),
        ("a+2.5b", "write 2.5*b"),
    ],
)
def test_a_forgotten_star_is_named(text, hint, capsys):
    code, out, err = run_graph([text, "--set", "a=5", "b=3", "c=2", "-o", "-"], capsys)
    one_line_error(code, err, 2)
    assert hint in err


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz program 'dot' missing")
def test_jpg_writes_a_jpeg(tmp_path, capsys):
    for name in ("x.jpg", "y.jpeg"):
        code, out, err = run_graph(["a*b", "--set", "a=3", "b=2", "-o", str(tmp_path / name)],
                                   capsys)  # fmt: skip
        assert code == 0, err
        assert (tmp_path / name).read_bytes()[:3] == b"\xff\xd8\xff"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.jpg", "y.jpeg"]


def test_steps_prints_the_backward_trace(capsys, tmp_path):
    code, out, err = run_graph(["3*(a + b*c)", "--set", "a=5", "b=3", "c=2", "--steps", "-o",
                                str(tmp_path / "J.dot")], capsys)  # fmt: skip
    assert code == 0, err
    assert "(b * c) → c:  dc = d(b * c) · ∂(b * c)/∂c = d(b * c) · b = 3 · 3 = 9" in out
    assert out.index("variable") < out.index("Backward pass from J = 33")


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz program 'dot' missing")
def test_html_writes_the_interactive_page(tmp_path, capsys):
    code, out, err = run_graph(["3*(a + b*c)", "--set", "a=5", "b=3", "c=2", "-o",
                                str(tmp_path / "J.html")], capsys)  # fmt: skip
    assert code == 0, err
    page = (tmp_path / "J.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "dc = d(b * c)" in page


def test_an_unknown_function_that_is_no_variable_only_lists_the_functions(capsys):
    code, out, err = run_graph(["sin(a)", "--set", "a=1", "-o", "-"], capsys)
    one_line_error(code, err, 2)
    assert "unknown function 'sin'; allowed: exp, log, sqrt" in err
    assert "multiply" not in err and "sin*" not in err


def test_a_variable_given_twice_is_refused(capsys):
    code, out, err = run_graph(["a*b", "--set", "a=3", "a=4", "b=1", "-o", "-"], capsys)
    one_line_error(code, err, 2)
    assert "--set: a is given twice (a=3 and a=4)" in err
    code, out, err = run_graph(["a*b", "--set", "a=3", "b=1", "--set", "a=3", "-o", "-"], capsys)
    assert code == 2 and "given twice" in err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["a*b", "--set", "a=3", "b=1", "-o", "-", "--format", "png"], "--format png: -o - writes"),
        (["a*b", "--set", "a=3", "b=1", "-o", "J.html", "--backward-edges"], "--backward-edges:"),
    ],
    ids=["format-with-stdout", "backward-edges-with-html"],
)
def test_an_option_that_does_not_apply_is_refused(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_graph(argv, capsys)
    one_line_error(code, err, 2)
    assert message in err
    assert not list(tmp_path.iterdir()) and out == ""  # refused before anything is written
    code, out, err = run_graph(["a*b", "--set", "a=3", "b=1", "-o", "-", "--format", "dot"], capsys)
    assert code == 0 and out.startswith("digraph")  # dot is what "-o -" writes: accepted


@pytest.mark.parametrize(
    "argv, named",
    [
        (["log(a)", "--set", "a=-1"], "J = nan"),
        (["a/b", "--set", "a=1", "b=0"], "dJ/da = inf, dJ/db = -inf, J = inf"),
        (["sqrt(a)", "--set", "a=0"], "dJ/da = inf"),
        (["log(a)", "--set", "a=0"], "dJ/da = inf, J = -inf"),
    ],
)
def test_non_finite_values_and_gradients_get_one_warning_line(argv, named, capsys):
    code, out, err = run_graph([*argv, "-o", "-"], capsys)
    assert code == 0
    warning = [line for line in err.splitlines() if "warning" in line]
    assert len(warning) == 1 and f"warning: not finite: {named}." in warning[0], err


def test_finite_results_have_no_warning(capsys):
    code, out, err = run_graph(["3*(a + b*c)", "--set", "a=5", "b=3", "c=2", "-o", "-"], capsys)
    assert code == 0 and "warning" not in err


def test_html_without_the_dot_program_warns_that_the_page_has_no_picture(tmp_path, capsys,
                                                                         monkeypatch):  # fmt: skip
    monkeypatch.setenv("PATH", "")
    code, out, err = run_graph(["a*b", "--set", "a=1", "b=2", "-o", str(tmp_path / "J.html")],
                               capsys)  # fmt: skip
    assert code == 0 and (tmp_path / "J.html").exists()
    assert "warning: the graphviz program 'dot' is missing" in err
    assert "no picture of the graph" in err and "apt-get install graphviz" in err


@pytest.mark.parametrize("length", [3_000, 20_000, 100_000])
def test_a_very_long_name_is_shortened_in_the_picture(length, tmp_path, capsys):
    """graphviz refuses labels over 16 KB: a long --name made it fail with its own multi-line
    error, or "Broken pipe"."""
    from tinygrad_edu.viz import graph

    if graph._which_dot() is None:
        pytest.skip("graphviz's dot is not installed")
    name = "x" * length
    out_file = tmp_path / "J.svg"
    code, out, err = run_graph(["a*b", "--set", "a=3", "b=2", "--name", name, "-o",
                                str(out_file)], capsys)  # fmt: skip
    assert code == 0 and err == "", err
    assert f"...({length} characters)..." in out_file.read_text()


def test_dot_refusing_the_graph_is_a_one_line_runtime_error(tmp_path, capsys, monkeypatch):
    import subprocess

    import graphviz

    from tinygrad_edu.viz import graph

    if graph._which_dot() is None:
        pytest.skip("graphviz's dot is not installed")

    def refuse(self, *args, **kwargs):
        raise graphviz.CalledProcessError(1, ["dot"], b"", b"Error: <stdin>: syntax error\nmore")

    monkeypatch.setattr(graphviz.Digraph, "pipe", refuse)
    assert issubclass(graphviz.CalledProcessError, subprocess.CalledProcessError)
    code, out, err = run_graph(["a*b", "--set", "a=3", "b=2", "-o", str(tmp_path / "J.svg")],
                               capsys)  # fmt: skip
    one_line_error(code, err, 1)
    assert "graphviz's dot could not draw J.svg (Error: <stdin>: syntax error)" in err


@pytest.mark.parametrize(("expression", "name"), [("ａ*b", "ａ"), ("ﬁ*b", "ﬁ"), ("a*b", "ａ")])
def test_set_names_are_read_as_python_reads_identifiers(expression, name, capsys):
    """Python normalizes identifiers (NFKC): the expression's fullwidth ａ is the variable a, and
    --set ａ=1 must set it (it said "unknown variable 'a'")."""
    code, out, err = run_graph([expression, "--set", f"{name}=3", "b=2", "-o", "-"], capsys)
    assert code == 0, err
    assert "not used" not in err
