"""The screens of the mailtutor app: home, lesson, quiz, demo, sandbox, help, record."""
