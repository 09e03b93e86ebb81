import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** What the region is, for the message ("the canvas"). */
  what: string;
  children: ReactNode;
}

/** Keeps one region's rendering error from blanking the whole app; shows it and offers to try again. */
export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`${this.props.what} failed to render`, error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="inspector-empty" style={{ padding: 16 }}>
        <p>
          Something went wrong drawing {this.props.what}: {this.state.error.message}
        </p>
        <p>The design is safe (autosaved); undo the last change or try again.</p>
        <button type="button" className="btn" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
