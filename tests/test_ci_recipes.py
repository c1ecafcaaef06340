"""The CI recipes of docs/ci.md, the GitHub Action and the pre-commit hooks, run.

Each recipe is read from docs/ci.md itself (the YAML block whose first line
names its file), so the page and this test cannot drift apart. Its commands
run against a stand-in web on loopback: a job over articles whose sources are
all live passes; one with a dead source fails, with every promised report
written all the same.

What the test changes, and only that: ``citecheck verify`` is given the
stand-in's address (``--allow-network 127.0.0.1/32``) and ``--no-archive`` by a
``citecheck`` shim first on ``PATH``, so that nothing leaves the machine;
``pip install`` lines and hosted steps (``actions/checkout``, uploads) are not
run. The action's steps run as the runner runs a composite action: each
``run`` script with ``bash --noprofile --norc -eo pipefail``, inputs and step
outputs substituted into ``env``/``with``/``if``, and fresh ``GITHUB_OUTPUT``,
``GITHUB_PATH`` and ``GITHUB_ENV`` files per step.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from citecheck.report import REPORT_FORMATS
from citecheck.testing import Route, StandinWeb

ROOT = Path(__file__).resolve().parent.parent
CI_DOC = ROOT / "docs" / "ci.md"
DISTRIBUTION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["name"]
_YAML_BLOCK = re.compile(r"```yaml\n(# (\S+)\n.*?)```", re.DOTALL)

PAGE = "<html><head><title>{0}</title></head><body><h1>{0}</h1><p>{1}</p></body></html>"


def recipe(filename: str) -> Any:
    """The YAML block of docs/ci.md whose first line is ``# FILENAME``, parsed."""
    blocks = {name: text for text, name in _YAML_BLOCK.findall(CI_DOC.read_text("utf-8"))}
    assert filename in blocks, f"docs/ci.md has no ```yaml block starting '# {filename}'"
    return yaml.safe_load(blocks[filename])


@pytest.fixture(scope="module")
def web() -> Iterator[StandinWeb]:
    routes = {
        "/live": Route(body=PAGE.format("A live source", "The text of a live source. " * 40)),
        "/other": Route(body=PAGE.format("Another source", "Another live page's text. " * 40)),
        "/dead": Route(status=404, body="<title>Not Found</title>"),
    }
    with StandinWeb({"site": routes}) as running:
        yield running


@attrs.frozen
class Workspace:
    """A checked-out repository: articles/ and a PATH whose citecheck reaches the stand-in."""

    root: Path
    env: Mapping[str, str]
    dead_line: int | None


def _article(*urls: str) -> str:
    notes = "\n".join(
        f"[{n}] “Source {n}”, Site, {url}, (Date of Accession: 14.04.2023)."
        for n, url in enumerate(urls, start=1)
    )
    body = " ".join(f"Claim {n}[{n}]." for n in range(1, len(urls) + 1))
    return f"An article\n\n{body}\n\n{notes}\n"


def make_workspace(tmp_path: Path, web: StandinWeb, *, dead: bool) -> Workspace:
    """articles/ holding a Markdown and a text article; the text one cites /dead if ``dead``."""
    root = tmp_path / "repo"
    (root / "articles").mkdir(parents=True)
    site = web.base("site")
    text_urls = [f"{site}/other"] + ([f"{site}/dead"] if dead else [])
    text = _article(*text_urls)
    (root / "articles" / "field-notes.txt").write_text(text, "utf-8")
    (root / "articles" / "overview.md").write_text(
        f"# Overview\n\nA claim.[^1]\n\n"
        f"[^1]: “A live source”, {site}/live, accessed 14 April 2023.\n",
        "utf-8",
    )
    # Not an article: a recipe must leave it alone (pre-commit's `files`).
    (root / "requirements.txt").write_text(f"pkg @ {site}/dead\n", "utf-8")
    shim_dir = tmp_path / "bin"
    shim_dir.mkdir()
    shim = shim_dir / "citecheck"
    shim.write_text(
        "#!/bin/sh\n"
        "# The stand-in web is on loopback; archive lookups would leave the machine.\n"
        'if [ "$1" = verify ]; then\n'
        "    shift\n"
        f'    exec {shlex.quote(sys.executable)} -m citecheck verify "$@" '
        "--allow-network 127.0.0.1/32 --no-archive\n"
        "fi\n"
        f'exec {shlex.quote(sys.executable)} -m citecheck "$@"\n',
        "utf-8",
    )
    shim.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": f"{shim_dir}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
    }
    lines = text.splitlines()
    dead_line = next((n for n, line in enumerate(lines, 1) if "/dead" in line), None)
    return Workspace(root=root, env=env, dead_line=dead_line)


def _junit_failures(path: Path) -> int:
    root = ElementTree.parse(path).getroot()
    return sum(int(suite.get("failures", "0")) for suite in root.iter("testsuite"))


# --------------------------------------------------------------------------- GitLab CI


def run_gitlab_job(
    job: Mapping[str, Any], workspace: Workspace
) -> subprocess.CompletedProcess[str]:
    """The job's script lines in one shell, stopping at the first failing line, as GitLab does."""
    lines = []
    for line in job["script"]:
        if line.startswith("pip install "):
            assert line.split()[2:] == [DISTRIBUTION], line  # installs this project
            continue
        lines.append(line)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", "\n".join(lines)],
        cwd=workspace.root,
        env=dict(workspace.env),
        capture_output=True,
        text=True,
        timeout=300,
    )


class TestGitLabRecipe:
    """docs/ci.md's .gitlab-ci.yml: verify's exit code, every artifact written."""

    @pytest.mark.parametrize("dead", [False, True], ids=["live", "dead"])
    def test_job(self, web: StandinWeb, tmp_path: Path, dead: bool) -> None:
        """Live sources pass; a dead one fails the job with exit 1, artifacts still written."""
        (job,) = recipe(".gitlab-ci.yml").values()
        workspace = make_workspace(tmp_path, web, dead=dead)
        done = run_gitlab_job(job, workspace)
        assert done.returncode == (1 if dead else 0), done.stderr
        promised = [*job["artifacts"]["paths"], job["artifacts"]["reports"]["junit"]]
        for name in promised:
            path = workspace.root / name
            assert path.is_file() and path.stat().st_size > 0, name
        assert job["artifacts"]["when"] == "always"
        junit = workspace.root / job["artifacts"]["reports"]["junit"]
        assert _junit_failures(junit) == (1 if dead else 0)
        html = (workspace.root / "citecheck.html").read_text("utf-8")
        assert "field-notes.txt" in html and "overview.md" in html
        cache = workspace.root / job["cache"]["paths"][0]
        assert cache.is_file()  # the cache the job keeps between runs was written

    def test_mistyped_path_fails_with_usage_error(self, web: StandinWeb, tmp_path: Path) -> None:
        """A path that does not exist stops the job with exit 2, not a pass."""
        (job,) = recipe(".gitlab-ci.yml").values()
        workspace = make_workspace(tmp_path, web, dead=False)
        (workspace.root / "articles").rename(workspace.root / "elsewhere")
        done = run_gitlab_job(job, workspace)
        assert done.returncode == 2


# --------------------------------------------------------------------------- the Action

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))"
    r"|(?P<call>always\(\)|success\(\)|failure\(\)|cancelled\(\))"
    r"|(?P<name>[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)|(?P<literal>true|false))"
)


@attrs.define
class ActionRun:
    """The state of one run of a composite action: inputs, step outputs, what happened."""

    inputs: dict[str, str]
    env: dict[str, str]
    workspace: Path
    runner: Path
    outputs: dict[str, dict[str, str]] = attrs.Factory(dict)
    failed: bool = False
    summary: str = ""
    stdout: dict[str, str] = attrs.Factory(dict)
    uses: list[tuple[str, dict[str, str]]] = attrs.Factory(list)

    def value(self, name: str) -> str | bool:
        """A context value: ``inputs.x``, ``steps.id.outputs.x``."""
        parts = name.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.inputs[parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        if name in {"true", "false"}:
            return name == "true"
        raise AssertionError(f"action.yml uses an expression this test cannot evaluate: {name}")

    def evaluate(self, expression: str) -> str | bool:
        """A GitHub expression of the forms action.yml uses; anything else fails the test."""
        python: list[str] = []
        values: dict[str, str | bool] = {}
        position = 0
        expression = expression.strip()
        while position < len(expression):
            match = _TOKEN.match(expression, position)
            assert match and match.end() > position, f"cannot read {expression!r}"
            position = match.end()
            if match["string"] is not None:
                key = f"v{len(values)}"
                values[key] = match["string"][1:-1].replace("''", "'")
                python.append(key)
            elif match["op"] is not None:
                python.append(
                    {"&&": " and ", "||": " or ", "!": " not "}.get(match["op"], match["op"])
                )
            elif match["call"] is not None:
                statuses = {
                    "always()": True,
                    "success()": not self.failed,
                    "failure()": self.failed,
                    "cancelled()": False,
                }
                python.append(repr(statuses[match["call"]]))
            else:
                key = f"v{len(values)}"
                values[key] = self.value(match["name"] or match["literal"])
                python.append(key)
        # Comparisons of strings are case-insensitive in GitHub expressions.
        lowered = {k: v.lower() if isinstance(v, str) else v for k, v in values.items()}
        result: str | bool = eval("".join(python), {"__builtins__": {}}, lowered)
        # A lone value keeps its case (it is substituted into env and with, not compared).
        return values.get(python[0], result) if len(python) == 1 else result

    def substitute(self, text: str) -> str:
        """``${{ … }}`` in a value replaced by the expression's value."""

        def one(match: re.Match[str]) -> str:
            value = self.evaluate(match.group(1))
            return str(value).lower() if isinstance(value, bool) else value

        return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))

    def condition(self, step: Mapping[str, Any]) -> bool:
        """Whether a step runs: its ``if:`` (a bare expression), else success()."""
        if "if" not in step:
            return not self.failed
        expression = str(step["if"]).strip()
        if expression.startswith("${{"):
            expression = expression[3:-2]
        status_call = re.search(r"always\(\)|failure\(\)|cancelled\(\)", expression)
        return bool(self.evaluate(expression)) and (status_call is not None or not self.failed)

    def run_script(self, step: Mapping[str, Any], index: int) -> None:
        """A ``run`` step: bash, with the step's env and fresh GITHUB_* files."""
        assert step["shell"] == "bash", "the action's scripts are bash"
        files = {
            name: self.runner / f"step{index}.{name.lower()}"
            for name in ("GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_ENV")
        }
        for path in files.values():
            path.write_text("", "utf-8")
        summary = self.runner / f"step{index}.summary"
        summary.write_text("", "utf-8")
        env = {
            **self.env,
            **{name: str(path) for name, path in files.items()},
            "GITHUB_STEP_SUMMARY": str(summary),
            **{key: self.substitute(value) for key, value in step.get("env", {}).items()},
        }
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.stdout[step.get("id", step["name"])] = done.stdout
        if done.returncode != 0:
            self.failed = True
        if "id" in step:
            self.outputs[step["id"]] = _read_outputs(files["GITHUB_OUTPUT"].read_text("utf-8"))
        for line in files["GITHUB_PATH"].read_text("utf-8").splitlines():
            self.env["PATH"] = f"{line}{os.pathsep}{self.env['PATH']}"
        self.env.update(_read_outputs(files["GITHUB_ENV"].read_text("utf-8")))
        self.summary += summary.read_text("utf-8")


def _read_outputs(text: str) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` blocks, as the runner reads them."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for body in lines:
                if body == delimiter:
                    break
                block.append(body)
            values[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def run_action(
    workspace: Workspace, with_: Mapping[str, Any], tmp_path: Path
) -> tuple[ActionRun, dict[str, str]]:
    """action.yml's steps run with ``with_`` as a workflow step's; the run and the outputs."""
    action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    assert action["runs"]["using"] == "composite"
    unknown = set(with_) - set(action["inputs"])
    assert not unknown, f"the recipe gives inputs the action does not have: {unknown}"
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs.update(
        {
            name: str(value).lower() if isinstance(value, bool) else str(value)
            for name, value in with_.items()
        }
    )
    for name, spec in action["inputs"].items():
        if spec.get("required"):
            assert inputs[name], f"required input {name} not given"
    runner = tmp_path / "runner"
    runner.mkdir()
    env = {
        **workspace.env,
        "GITHUB_ACTIONS": "true",
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_WORKSPACE": str(workspace.root),
        "RUNNER_TEMP": str(runner),
        "CI": "true",
    }
    run = ActionRun(inputs=inputs, env=env, workspace=workspace.root, runner=runner)
    for index, step in enumerate(action["runs"]["steps"]):
        if not run.condition(step):
            continue
        if "uses" in step:
            run.uses.append(
                (step["uses"], {k: run.substitute(v) for k, v in step.get("with", {}).items()})
            )
        else:
            run.run_script(step, index)
    outputs = {name: run.substitute(spec["value"]) for name, spec in action["outputs"].items()}
    return run, outputs


def _workflow_step() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The docs' workflow: the step using this action, and all the job's steps."""
    workflow = recipe(".github/workflows/citations.yml")
    (job,) = workflow["jobs"].values()
    (step,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith("citecheck/citecheck@")]
    return step, job["steps"]


class TestGitHubRecipe:
    """docs/ci.md's workflow through action.yml: reports, summary, annotations, SARIF, exit."""

    @pytest.mark.parametrize("dead", [False, True], ids=["live", "dead"])
    def test_workflow(self, web: StandinWeb, tmp_path: Path, dead: bool) -> None:
        """The action writes every report the workflow uploads; a dead source fails it (1)."""
        step, steps = _workflow_step()
        workspace = make_workspace(tmp_path, web, dead=dead)
        # citecheck is installed already (the install step needs PyPI); see TestInstallStep.
        run, outputs = run_action(workspace, {**step["with"], "install": False}, tmp_path)
        assert run.failed is dead
        assert outputs["exit-code"] == ("1" if dead else "0")
        # Every file the workflow's upload step promises is there.
        (upload,) = [
            s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")
        ]
        assert upload.get("if") == "always()"
        report_dir = workspace.root / upload["with"]["path"]
        assert report_dir.resolve() == (workspace.root / outputs["report-dir"]).resolve()
        written = {path.name for path in report_dir.iterdir()}
        assert written == {
            "citecheck.json",
            "citecheck.html",
            "citecheck-junit.xml",
            "citecheck.sarif",
        }
        assert _junit_failures(report_dir / "citecheck-junit.xml") == (1 if dead else 0)
        # The job summary holds the Markdown report.
        assert "overview.md" in run.summary and "field-notes.txt" in run.summary
        # SARIF went to the upload step, which the workflow asked for.
        assert [name for name, _ in run.uses] == ["github/codeql-action/upload-sarif@v3"]
        sarif_file = workspace.root / run.uses[0][1]["sarif_file"]
        assert sarif_file.is_file() and '"informationUri"' in sarif_file.read_text("utf-8")
        # Annotations: one error on the dead footnote's line, printed once.
        annotations = "".join(run.stdout.values())
        errors = [line for line in annotations.splitlines() if line.startswith("::error ")]
        if dead:
            assert len(errors) == 1
            assert errors[0].startswith(
                f"::error file=articles/field-notes.txt,line={workspace.dead_line},"
            )
        else:
            assert errors == []

    def test_fail_false_passes_and_reports_the_code(self, web: StandinWeb, tmp_path: Path) -> None:
        """`fail: false` keeps the step green on a dead source; exit-code still says 1."""
        step, _ = _workflow_step()
        workspace = make_workspace(tmp_path, web, dead=True)
        with_ = {**step["with"], "install": False, "fail": False, "upload-sarif": False}
        run, outputs = run_action(workspace, with_, tmp_path)
        assert not run.failed
        assert outputs["exit-code"] == "1"
        assert run.uses == []  # no SARIF upload unless asked

    def test_usage_error_always_fails(self, web: StandinWeb, tmp_path: Path) -> None:
        """A mistyped path is exit 2 and fails the step, even with `fail: false`."""
        workspace = make_workspace(tmp_path, web, dead=False)
        with_ = {"paths": "articels/", "install": False, "fail": False}
        run, outputs = run_action(workspace, with_, tmp_path)
        assert run.failed
        assert outputs["exit-code"] == "2"
        # Whether verify writes a report of the documents it could read is verify's
        # business (docs/cli.md); the action's `json` output names it exactly when it exists.
        json_path = workspace.root / "citecheck-report" / "citecheck.json"
        assert outputs["json"] == ("citecheck-report/citecheck.json" if json_path.exists() else "")
        assert ("reports" in run.stdout) is json_path.exists()

    def test_unknown_format_fails_before_fetching(self, web: StandinWeb, tmp_path: Path) -> None:
        """A mistyped format is exit 2 with one error line, and nothing is fetched."""
        workspace = make_workspace(tmp_path, web, dead=False)
        before = web.hits("site")
        with_ = {"paths": "articles/", "formats": "json,junitt", "install": False}
        run, outputs = run_action(workspace, with_, tmp_path)
        assert run.failed and outputs["exit-code"] == "2"
        assert "formats: 'junitt' is not json," in run.stdout["verify"]
        assert web.hits("site") == before

    def test_format_list_is_citecheck_s(self) -> None:
        """The formats the action accepts are citecheck's report formats (annotations aside)."""
        text = (ROOT / "action.yml").read_text("utf-8")
        accepted = re.search(r"^ +(json \| .*)\) ;;$", text, re.MULTILINE)
        assert accepted is not None
        assert set(accepted.group(1).split(" | ")) == set(REPORT_FORMATS) - {"github"}

    def test_args_and_globs(self, web: StandinWeb, tmp_path: Path) -> None:
        """`args` is split as a shell splits words; `paths` globs are expanded."""
        workspace = make_workspace(tmp_path, web, dead=True)
        with_ = {
            "paths": "articles/**/*.md\narticles/*.txt",
            "args": "--fail-on 'blocked, error' --timeout 5",
            "formats": "markdown,text",
            "install": False,
        }
        run, outputs = run_action(workspace, with_, tmp_path)
        # The dead source is not in this fail-on: the step passes.
        assert outputs["exit-code"] == "0" and not run.failed
        written = {p.name for p in (workspace.root / "citecheck-report").iterdir()}
        assert written == {"citecheck.json", "citecheck.md", "citecheck.txt"}
        text = (workspace.root / "citecheck-report" / "citecheck.txt").read_text("utf-8")
        assert "overview.md" in text and "field-notes.txt" in text


class TestInstallStep:
    """The install step makes a venv and puts it on PATH (run here without PyPI: pip is stubbed)."""

    def test_install_step(self, tmp_path: Path) -> None:
        """It installs the action's own copy by default, and `version` when given."""
        action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
        install = action["runs"]["steps"][0]
        assert install["if"] == "inputs.install == 'true'"
        for version, expected in (
            ("", str(ROOT)),
            ("citecheck-provenance==0.1.0", "citecheck-provenance==0.1.0"),
        ):
            runner = tmp_path / f"runner{len(version)}"
            runner.mkdir()
            # A python3 whose venv's pip only records what it was asked to install.
            fake = tmp_path / f"fake{len(version)}"
            fake.mkdir()
            (fake / "python3").write_text(
                "#!/bin/sh\n"
                '[ "$1 $2" = "-m venv" ] || exit 9\n'
                'mkdir -p "$3/bin"\n'
                'printf \'#!/bin/sh\\necho "$*" > "%s/pip-args"\\n\' "$3" > "$3/bin/python"\n'
                'chmod +x "$3/bin/python"\n',
                "utf-8",
            )
            (fake / "python3").chmod(0o755)
            workspace = Workspace(root=tmp_path, env={"PATH": os.environ["PATH"]}, dead_line=None)
            run = ActionRun(
                inputs={"version": version, "python": str(fake / "python3"), "install": "true"},
                env={
                    "PATH": os.environ["PATH"],
                    "RUNNER_TEMP": str(runner),
                    "GITHUB_ACTION_PATH": str(ROOT),
                },
                workspace=workspace.root,
                runner=runner,
            )
            assert run.condition(install)
            run.run_script(install, 0)
            assert not run.failed
            venv = runner / "citecheck-venv"
            pip_args = (venv / "pip-args").read_text("utf-8").split()
            assert pip_args[:3] == ["-m", "pip", "install"] and pip_args[-1] == expected
            assert run.env["PATH"].split(os.pathsep)[0] == str(venv / "bin")


# --------------------------------------------------------------------------- pre-commit


def _hooks() -> dict[str, dict[str, Any]]:
    return {
        hook["id"]: hook
        for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    }


def run_precommit_hook(
    hook_id: str, overrides: Mapping[str, Any], workspace: Workspace
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """A hook as pre-commit runs it: entry + args + the files its `files` and `exclude` match."""
    hook = {**_hooks()[hook_id], **overrides}
    files = sorted(
        str(path.relative_to(workspace.root))
        for path in workspace.root.rglob("*")
        if path.is_file()
    )
    matched = [
        name
        for name in files
        if re.search(hook["files"], name) and not re.search(hook.get("exclude", "^$"), name)
    ]
    command = [
        *shlex.split(hook["entry"]),
        *hook.get("args", []),
        *(matched if hook["pass_filenames"] else []),
    ]
    done = subprocess.run(
        command,
        cwd=workspace.root,
        env=dict(workspace.env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done, matched


class TestPreCommitRecipe:
    """docs/ci.md's .pre-commit-config.yaml with the hooks of .pre-commit-hooks.yaml."""

    def _configured(self) -> list[dict[str, Any]]:
        config = recipe(".pre-commit-config.yaml")
        (repo,) = config["repos"]
        assert repo["repo"] == "https://github.com/citecheck/citecheck"
        return list(repo["hooks"])

    @pytest.mark.parametrize("dead", [False, True], ids=["live", "dead"])
    def test_configured_hooks(self, web: StandinWeb, tmp_path: Path, dead: bool) -> None:
        """The hook checks the articles only (not requirements.txt); a dead source fails."""
        workspace = make_workspace(tmp_path, web, dead=dead)
        for configured in self._configured():
            overrides = {key: value for key, value in configured.items() if key != "id"}
            done, matched = run_precommit_hook(configured["id"], overrides, workspace)
            assert matched == ["articles/field-notes.txt", "articles/overview.md"]
            assert done.returncode == (1 if dead else 0), done.stderr
            assert "summary:" in done.stdout  # the text report, shown by pre-commit on failure

    def test_default_files_skip_plain_text(self, web: StandinWeb, tmp_path: Path) -> None:
        """Without `files:`, the hook reads Markdown and the like, not .txt files."""
        workspace = make_workspace(tmp_path, web, dead=True)
        done, matched = run_precommit_hook("citecheck", {}, workspace)
        assert matched == ["articles/overview.md"]
        assert done.returncode == 0, done.stderr

    def test_offline_hook(self, tmp_path: Path, web: StandinWeb) -> None:
        """citecheck-parse fetches nothing: it reads the documents, fails on an unreadable one."""
        workspace = make_workspace(tmp_path, web, dead=True)
        done, matched = run_precommit_hook("citecheck-parse", {}, workspace)
        assert matched == ["articles/overview.md"]
        assert done.returncode == 0, done.stderr
        before = web.hits("site")
        (workspace.root / "articles" / "broken.bib").write_bytes(b"\x00\x01\x02binary\xff")
        done, matched = run_precommit_hook("citecheck-parse", {}, workspace)
        assert "articles/broken.bib" in matched
        assert done.returncode == 2
        assert web.hits("site") == before  # nothing fetched

    @pytest.mark.parametrize("hook_id", ["citecheck", "citecheck-parse"])
    def test_a_document_without_citations_passes(
        self, web: StandinWeb, tmp_path: Path, hook_id: str
    ) -> None:
        """A changed README with no sources is not a mistyped path: the hooks accept it."""
        workspace = make_workspace(tmp_path, web, dead=True)
        for path in (workspace.root / "articles").iterdir():
            path.unlink()
        (workspace.root / "articles" / "notes.md").write_text("# Notes\n\nNothing cited.\n")
        done, matched = run_precommit_hook(hook_id, {}, workspace)
        assert matched == ["articles/notes.md"]
        assert done.returncode == 0, done.stderr

    def test_hooks_are_what_pre_commit_needs(self) -> None:
        """Each hook has pre-commit's required fields; verify runs as one process per commit."""
        hooks = _hooks()
        assert set(hooks) == {"citecheck", "citecheck-parse"}
        for hook in hooks.values():
            assert {"id", "name", "entry", "language"} <= set(hook)
            assert hook["language"] == "python" and hook["pass_filenames"] is True
            assert shlex.split(hook["entry"])[0] == "citecheck"
        assert hooks["citecheck"]["require_serial"] is True
