/** What a signed-in admin whose role may not manage webhooks sees instead of the pages. */
export function WebhooksAdminsOnly() {
  return (
    <section>
      <h1>Webhooks</h1>
      <p>Webhooks are for admins only: an endpoint receives every change to your users. Ask an admin of your tenant.</p>
    </section>
  );
}
