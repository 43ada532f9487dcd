"""Real servers on loopback that the test suite starts and stops: dynalite and a Management API."""
