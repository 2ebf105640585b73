// The sign-in page, the only thing shown before sign-in: login and password, and the server's
// answer when it refuses (wrong login or password, too many tries).
import { signIn } from '../actions.js';
import { html } from '../format.js';

export function createSignInView(container) {
  container.insertAdjacentHTML(
    'beforeend',
    String(html`
      <main class="sign-in-page">
        <form class="sign-in card" data-testid="sign-in-form" novalidate>
          <div class="sign-in-brand"><span class="brand-mark" aria-hidden="true"></span>Coworkers</div>
          <h1>Sign in to the console</h1>
          <label for="sign-in-login">Login</label>
          <input id="sign-in-login" name="login" data-testid="login" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus>
          <label for="sign-in-password">Password</label>
          <input id="sign-in-password" name="password" type="password" data-testid="password" autocomplete="current-password" required>
          <p class="form-error" data-testid="sign-in-error" role="alert" hidden></p>
          <button type="submit" class="button primary wide">Sign in</button>
        </form>
      </main>`),
  );
  const form = container.querySelector('form');
  const error = form.querySelector('[data-testid="sign-in-error"]');
  const submit = form.querySelector('button[type="submit"]');

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const login = form.elements.login.value.trim();
    const password = form.elements.password.value;
    if (!login || !password) {
      error.textContent = 'Enter your login and your password.';
      error.hidden = false;
      (login ? form.elements.password : form.elements.login).focus();
      return;
    }
    signIn(login, password);
  });

  let shownError = null;
  return {
    update(context) {
      submit.disabled = context.signingIn;
      submit.textContent = context.signingIn ? 'Signing in…' : 'Sign in';
      if (context.signInError === shownError) return;
      shownError = context.signInError;
      error.hidden = !shownError;
      error.textContent = shownError ? [shownError.message, shownError.hint].filter(Boolean).join(' ') : '';
      if (shownError?.status === 401) {
        form.elements.password.value = '';
        form.elements.password.focus();
      }
    },
  };
}
