"""The advisor on the web: accounts, wings, guided assessments and stored results,
served by `advisor serve` over the same library as the command line."""
