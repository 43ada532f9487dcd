"""The code of ``template.yaml``'s two functions, deployed as this package: the authorizer
(``authorizer.py``) and the API (``app.py``) share the caller's model (``callers.py``)."""
