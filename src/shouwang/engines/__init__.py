"""Pure analytics with no Django import: tracing/, scoring/, hotspots/.

Each engine takes and returns plain data (Arrow, Polars, NumPy, dataclasses), runs on DuckDB in
process by default and on Spark when the data outgrows one machine, with the same results on both.
Django apps call engines; engines never call apps (a test in each engine checks the imports).
`sheets` numbers the rows of uploaded CSV and Excel files as a spreadsheet shows them, for every
importer's errors, the apps' and the engines' alike.
"""
