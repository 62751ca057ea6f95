/** The constituent the route tests write as: an Illinois address in one district (IL-13). */
export const ADDRESS = '100 Main St, Springfield, IL 62704';

export const SENDER = {
  name: 'Ana Núñez',
  email: 'ana@example.org',
  street: '100 Main St',
  city: 'Springfield',
  state: 'IL',
  zip: '62704',
} as const;
