# The two commands of the README's quick start, plus what they build on.
.PHONY: setup demo test conformance

setup:
	bash scripts/setup.sh

demo: setup
	bash scripts/demo.sh

test: setup
	.venv/bin/python -m pytest -q

conformance: setup
	.venv/bin/python ../shared/real-pages/conformance.py --cmd '.venv/bin/scrapy extract {file} --url {url}'
