"""What each importer writes: one module per kind of import, taking plain records and a Session.

Importers parse and check; these functions turn the checked records into rows and counts.
"""
