import { render } from "preact";

function App() {
  return (
    <main>
      <h1>Railyard</h1>
      <p>The admin app is starting.</p>
    </main>
  );
}

render(<App />, document.getElementById("app")!);
