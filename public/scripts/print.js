// Shows the "print" buttons of printable pages (hidden without JavaScript) and prints on click.
document.querySelectorAll('button[data-print]').forEach((b) => {
  b.hidden = false;
  b.addEventListener('click', () => window.print());
});
