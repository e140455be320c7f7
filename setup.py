import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(r'__version__ = "([^"]+)"', (HERE / "tokenapi" / "__init__.py").read_text())[1]

setup(
    name="django-tokenapi3",
    version=VERSION,
    description="Token authentication for Django APIs: user + token pairs, stateless, signed.",
    long_description=(HERE / "README.rst").read_text(encoding="utf-8"),
    long_description_content_type="text/x-rst",
    license="BSD-3-Clause",
    packages=find_packages(include=["tokenapi", "tokenapi.*"]),
    package_data={"tokenapi": ["py.typed", "contrib/openapi/*.json"]},
    python_requires=">=3.10",
    install_requires=["Django>=4.2"],
    extras_require={
        "drf": ["djangorestframework>=3.14"],
        # Integrations: drf-spectacular schemas, django-axes lockouts.
        "spectacular": ["djangorestframework>=3.14", "drf-spectacular>=0.27"],
        "axes": ["django-axes>=6.4"],
        # django-ninja operations (Router-wide decorators came in 1.5); Channels consumers.
        "ninja": ["django-ninja>=1.5"],
        "channels": ["channels>=4.0"],
        # What the library's tests import. Database drivers, Redis and gunicorn are the
        # example project's (example_project/requirements.txt).
        "test": [
            "pytest>=8",
            "pytest-django>=4.8",
            "pytest-cov>=5",
            "time-machine>=2.13",
            "hypothesis>=6.100",
            "dj-database-url>=2.1",
            # The integrations under test and the OpenAPI description's validators.
            "djangorestframework>=3.14",
            "drf-spectacular>=0.27",
            "django-axes>=6.4",
            "django-ninja>=1.5",
            "channels>=4.0",
            "openapi-spec-validator>=0.7",
            "jsonschema>=4.18",
        ],
    },
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 4.2",
        "Framework :: Django :: 5.2",
        "Framework :: Django :: 6.0",
        "Intended Audience :: Developers",
        "Programming Language :: Python :: 3",
        "Topic :: Internet :: WWW/HTTP",
        "Typing :: Typed",
    ],
)
