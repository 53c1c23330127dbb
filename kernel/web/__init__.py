"""The web host: Litestar app assembled from the installed addons' contributions."""
