import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, seg, setBearer } from './api';
import { ApplicationPicker } from './applications';
import { DeadLetterList } from './dead-letters';
import { DeliveryView } from './deliveries';
import { EndpointForm } from './endpoint-form';
import { EndpointDetail, EndpointList } from './endpoints';
import { MessageDetail, MessageList } from './messages';
import { href, navigate, useRoute, type Route } from './router';
import { forgetToken, keepToken, takeToken } from './session';
import './style.css';
import type { Application, Session } from './types';
import { ErrorNotice, Loaded, Progress, asApiError, useLoad, type Load } from './ui';

/** Why the page holds no usable token, in words a customer understands. */
function refusal(error: ApiError): string {
  if (error.code === 'token_expired') return 'This link has expired. Ask for a new link to the portal.';
  return `This link or token is not valid: it may have been revoked, or mistyped. (${error.message})`;
}

function TokenForm(props: { onToken(token: string): void; problem?: string }) {
  const [token, setToken] = useState('');
  return (
    <main class="narrow">
      <h1>Hookway portal</h1>
      {props.problem && (
        <div class="error" role="alert">
          {props.problem}
        </div>
      )}
      <p>Open the portal from the link you were given, or, as the operator, paste the API token (HOOKWAY_API_TOKEN) to open the console.</p>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim()) props.onToken(token.trim());
        }}
      >
        <label>
          API token
          <input type="password" autoComplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} required />
        </label>
        <div>
          <button type="submit">Open console</button>
        </div>
      </form>
    </main>
  );
}

function Views(props: { route: Route; session: Session }) {
  const { route, session } = props;
  const operator = session.kind === 'operator';
  if (route.view === 'home') {
    if (operator) return <ApplicationPicker />;
    return <Progress>Opening your endpoints…</Progress>;
  }
  if (route.view === 'unknown') return <ErrorNotice error={new ApiError(404, 'route_not_found', 'there is no such page in the portal')} />;
  // An application token only ever addresses its own application; another id in the address bar would be
  // refused by the API anyway, and is shown as not found without asking.
  if (!operator && route.app !== session.applicationId)
    return <ErrorNotice error={new ApiError(404, 'application_not_found', `application ${route.app} was not found`)} />;
  const temporalUi = operator;
  switch (route.view) {
    case 'endpoints':
      return <EndpointList app={route.app} />;
    case 'new-endpoint':
      return <EndpointForm app={route.app} />;
    case 'endpoint':
      return <EndpointDetail app={route.app} id={route.id} temporalUi={temporalUi} />;
    case 'edit-endpoint':
      return <EndpointForm app={route.app} id={route.id} />;
    case 'messages':
      return <MessageList app={route.app} />;
    case 'message':
      return <MessageDetail app={route.app} id={route.id} />;
    case 'delivery':
      return <DeliveryView app={route.app} id={route.id} temporalUi={temporalUi} />;
    case 'dead-letters':
      return <DeadLetterList app={route.app} />;
  }
}

function AppName({ app }: { app: string }) {
  const [load] = useLoad(() => api<Application>('GET', `/v1/applications/${seg(app)}`), [app]);
  return load.state === 'done' ? <span>{load.value.name}</span> : <span>{app}</span>;
}

function Shell(props: { session: Session; signOut(): void }) {
  const route = useRoute();
  const { session } = props;
  useEffect(() => {
    if (route.view === 'home' && session.kind === 'application' && session.applicationId) navigate(href(session.applicationId, 'endpoints'));
  }, [route.view, session]);
  const app = 'app' in route ? route.app : undefined;
  return (
    <>
      <header class="top">
        <p class="brand">Hookway {session.kind === 'operator' ? 'operator console' : 'portal'}</p>
        <nav aria-label="Main">
          {session.kind === 'operator' && <a href="#/">Applications</a>}
          {app && (
            <>
              <a href={href(app, 'endpoints')}>Endpoints</a>
              <a href={href(app, 'messages')}>Messages</a>
              <a href={href(app, 'dead-letters')}>Dead letters</a>
            </>
          )}
          <button type="button" onClick={props.signOut}>
            Sign out
          </button>
        </nav>
      </header>
      <main>
        <h1>{app ? <AppName app={app} /> : session.kind === 'operator' ? 'Operator console' : 'Portal'}</h1>
        {session.expiresAt && <p class="muted">This link works until {new Date(session.expiresAt).toLocaleString()}.</p>}
        <Views route={route} session={session} />
      </main>
    </>
  );
}

function App() {
  const [token, setToken] = useState<string | undefined>(() => takeToken());
  // Bumped by every sign-in, so opening the same token again also loads its session again.
  const [opened, setOpened] = useState(0);
  const [problem, setProblem] = useState<string | undefined>();
  const [session, setSession] = useState<Load<Session>>({ state: 'loading' });

  // The bearer changes before the new token renders anything: the views of the previous session never
  // run again, and no call goes out with the previous token, or none.
  const open = (next: string | undefined, why?: string): void => {
    setBearer(next, refused);
    setProblem(why);
    setSession({ state: 'loading' });
    setToken(next);
    setOpened((n) => n + 1);
  };
  // A token the API refuses mid-session (expired, revoked) ends the session with the reason.
  function refused(error: ApiError): void {
    forgetToken();
    open(undefined, refusal(error));
  }

  useEffect(() => {
    setBearer(token, refused);
    if (!token) return;
    let current = true;
    api<Session>('GET', '/v1/portal/session').then(
      (value) => current && setSession({ state: 'done', value }),
      (error: unknown) => current && setSession({ state: 'failed', error: asApiError(error) }),
    );
    return () => {
      current = false;
    };
  }, [token, opened]);

  // A magic link opened in a tab (or iframe) that already shows the portal changes only the fragment:
  // the page is not loaded again, so its token is taken here.
  useEffect(() => {
    const follow = (): void => {
      if (!window.location.hash.replace(/^#/, '').startsWith('token=')) return;
      const next = takeToken();
      if (next) open(next);
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  if (!token) {
    return (
      <TokenForm
        problem={problem}
        onToken={(value) => {
          keepToken(value);
          open(value);
        }}
      />
    );
  }
  return (
    <Loaded load={session}>
      {(value) => (
        <Shell
          key={`${opened}`}
          session={value}
          signOut={() => {
            forgetToken();
            open(undefined);
            navigate('#/');
          }}
        />
      )}
    </Loaded>
  );
}

const root = document.getElementById('root');
if (root) render(<App />, root);
