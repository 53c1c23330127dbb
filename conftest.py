"""Root conftest: the kernel's pytest plugin gives every test its databases."""

pytest_plugins = ["kernel.testing", "kernel.testing_mail"]
