"""The work behind the form: intake, claiming rows, rendering, emailing, publishing, sweeping."""
