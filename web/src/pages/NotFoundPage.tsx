import { PageHeading } from '../components.js';
import { Link } from '../router.js';

export function NotFoundPage() {
  return (
    <div className="page">
      <PageHeading title="Page not found" />
      <p>There is no page at this address.</p>
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </div>
  );
}
