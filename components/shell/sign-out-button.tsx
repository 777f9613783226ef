/** Posts to /sign-out: works before the page's scripts have run, and ships none of its own. */
export function SignOutButton() {
  return (
    <form className="sign-out" action="/sign-out" method="post">
      <button className="button" type="submit">
        Sign out
      </button>
    </form>
  );
}
