INSERT INTO widgets (name) VALUES ('sprocket'), ('gizmo');
