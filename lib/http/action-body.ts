/**
 * Whether a server action's body is one Next can decode: React's reply
 * format, JSON in a text body, or a form. Next decodes it before any of
 * Keyhold's code runs and answers anything else with a 500 and an error in
 * the log; the proxy refuses it first as bad input (issue 18). Read from a
 * clone, so the action still gets its body.
 */
export async function actionBodyDecodes(request: Request): Promise<boolean> {
  const type = request.headers.get('content-type') ?? '';
  try {
    if (/^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(type)) {
      await request.clone().formData();
    } else {
      JSON.parse(await request.clone().text());
    }
    return true;
  } catch {
    return false;
  }
}
