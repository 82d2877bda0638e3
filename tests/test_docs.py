"""The documentation: the README is the entry point and every docs/ page is
reached from it, the docs build with warnings as errors (broken links,
anchors, images), every repository path the pages name exists, and every
command the README gives still runs as written (its scripts answer
``--help``, its configs parse)."""
import glob
import os.path as osp
import re
import shlex
import subprocess
import sys

import pytest
from mmengine.config import Config

from tests.helpers import REPO

DOCS = osp.join(REPO, 'docs')
PAGES = sorted(glob.glob(osp.join(DOCS, '*.md')))
README = osp.join(REPO, 'README.md')
#: Every Markdown file a reader is sent to: README, docs, config READMEs.
MARKDOWN = [README] + PAGES + sorted(
    glob.glob(osp.join(REPO, 'configs', '**', 'README.md'), recursive=True))
_TOP = ('oclip_mmocr', 'configs', 'tools', 'benchmarks', 'tests', 'dicts',
        'docs', 'requirements')


def _read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def _prose(text):
    """The text without fenced code blocks."""
    return re.sub(r'^```.*?^```', '', text, flags=re.S | re.M)


def _slug(heading):
    """myst-parser's anchor of a heading (GitHub's rule)."""
    s = re.sub(r'[^\w\- ]', '', heading.strip().lower())
    return s.replace(' ', '-')


def _anchors(path):
    return {_slug(m.group(1)) for m in re.finditer(
        r'^#{1,6}\s+(.*)$', _prose(_read(path)), flags=re.M)}


def test_readme_is_an_entry_point():
    lines = _read(README).splitlines()
    assert len(lines) <= 200, len(lines)
    text = _read(README)
    assert 'make demo' in text and 'make test' in text


def test_every_docs_page_is_linked_from_the_readme():
    linked = set(re.findall(r'\]\(docs/([\w.-]+\.md)', _read(README)))
    pages = {osp.basename(p) for p in PAGES} - {'index.md'}
    assert pages - linked == set(), 'not linked from README.md'


@pytest.mark.parametrize('path', MARKDOWN,
                         ids=lambda p: osp.relpath(p, REPO))
def test_relative_links_and_anchors_resolve(path):
    """Links between pages (README included, which Sphinx does not build)
    point at files that exist and headings that exist."""
    for target in re.findall(r'\]\(([^)\s]+)\)', _prose(_read(path))):
        if re.match(r'[a-z]+://', target):
            continue
        file, _, anchor = target.partition('#')
        dest = osp.normpath(osp.join(osp.dirname(path), file)) if file \
            else path
        assert osp.exists(dest), f'{path}: {target}'
        if anchor:
            assert anchor in _anchors(dest), f'{path}: {target}'


@pytest.mark.parametrize(
    'path', [p for p in MARKDOWN if not p.endswith('changelog.md')],
    ids=lambda p: osp.relpath(p, REPO))
def test_named_repository_paths_exist(path):
    """A page that names `tools/x.py` or `configs/...` names a real file:
    the hand-kept layouts and commands cannot drift from the tree. (The
    changelog names what was renamed or removed.)"""
    text = _read(path)
    for name in re.findall(r'`((?:%s)/[^`\s]*)`' % '|'.join(_TOP), text):
        name = name.rstrip('.,:;)')
        if re.search(r'[*{}<>]|\.\.\.|_build', name):
            continue  # a pattern, not one path
        assert osp.exists(osp.join(REPO, name)), f'{path}: {name}'


def _readme_commands():
    """(command line, block) for each line of the README's bash blocks."""
    out = []
    for block in re.findall(r'```bash\n(.*?)```', _read(README), re.S):
        joined = re.sub(r'\\\n\s*', ' ', block)
        for line in joined.splitlines():
            line = line.split(' #')[0].strip()
            if line and not line.startswith('#'):
                out.append(line)
    return out


def test_readme_commands_run_as_written():
    commands = _readme_commands()
    assert commands
    placeholders = re.compile(r'^[A-Z_]+/?$|\.pkl$|\.zip$')
    for line in commands:
        words = shlex.split(line)
        if words[0] == 'make':
            assert re.search(rf'^{words[1]}:', _read(osp.join(REPO,
                                                          'Makefile')),
                             re.M), line
            continue
        if words[0] == 'source':
            continue
        script = next(w for w in words if w.startswith('tools/'))
        assert osp.isfile(osp.join(REPO, script)), line
        for word in words:
            if word.startswith('configs/') and not placeholders.search(word):
                matches = glob.glob(osp.join(REPO, word))
                assert matches, (line, word)
                for match in matches:
                    Config.fromfile(match)
        if script.endswith('.py'):
            proc = subprocess.run([sys.executable, script, '--help'],
                                  cwd=REPO, capture_output=True, text=True)
            assert proc.returncode == 0, (line, proc.stderr[-2000:])
        else:
            assert 'usage' in _read(osp.join(REPO, script)).lower(), line


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path):
    """Sphinx + myst-parser, as MMOCR builds its docs, warnings as errors:
    a broken link or anchor between pages, a missing image, a page outside
    the table of contents fails."""
    proc = subprocess.run(
        [sys.executable, '-m', 'sphinx', '-W', '--keep-going', '-q', '-b',
         'html', DOCS, str(tmp_path / 'html')],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (tmp_path / 'html' / 'embedded_benchmark.html').is_file()
