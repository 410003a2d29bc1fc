"""Prefect flows: the nightly monitoring run and the monthly report, composed of thin tasks."""
