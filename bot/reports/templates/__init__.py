"""Default Word report templates and the script that builds them."""
